using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Training;

/// <summary>
/// Trains an <see cref="InContextTransformer"/> with Adam on the online Plackett-Luce loss, writing the training log
/// and checkpoints into a run directory. The batch at step t is drawn from a generator seeded by (seed, t) alone, so
/// a run resumed from a checkpoint sees exactly the data an uninterrupted run would.
/// </summary>
public sealed class Trainer
{
    /// <summary>The run directory's loss log: one <c>step,loss,seconds</c> line every log_every steps.</summary>
    public const string LogFileName = "train_log.csv";
    private const string LogHeader = "step,loss,seconds";

    /// <summary>One row per training session: the step it started from, the device and the libtorch threads it used.</summary>
    public const string SessionsFileName = "sessions.csv";
    private const string SessionsHeader = "first_step,device,threads,started_utc";

    private readonly ExperimentConfig config;
    private readonly string runDirectory;

    /// <summary>A trainer of <paramref name="config"/>'s model writing into <paramref name="runDirectory"/>.</summary>
    /// <param name="config">The experiment: model, task, objective and training settings.</param>
    /// <param name="runDirectory">Where the log, sessions and checkpoints go.</param>
    /// <param name="device">Where the model and every batch live (null: the CPU).</param>
    public Trainer(ExperimentConfig config, string runDirectory, Device? device = null)
    {
        config.Validate();
        this.config = config;
        this.runDirectory = runDirectory;
        Device = device ?? CPU;
    }

    /// <summary>Where the model and every batch live.</summary>
    public Device Device { get; }

    /// <summary>The run's checkpoint file.</summary>
    public string CheckpointPath => Path.Combine(runDirectory, Checkpoint.FileName);

    private static readonly Lock GlobalGeneratorLock = new();

    /// <summary>
    /// Model with the run's initial weights (seeded from the training seed), on <paramref name="device"/> (null: the
    /// CPU). The weights are drawn on the CPU and then moved, so a seed gives the same start on every device.
    /// </summary>
    public static InContextTransformer CreateModel(ExperimentConfig config, Device? device = null)
    {
        var model = CreateModelOnCpu(config);
        if (device is not null) model.to(device);
        return model;
    }

    private static InContextTransformer CreateModelOnCpu(ExperimentConfig config)
    {
        // libtorch's default initialisation draws from its global generator: the lock keeps seeding and drawing
        // together when several runs start at once in one process (a sweep's parallel trainings).
        using var generator = Seeds.Generator(config.Training.Seed, "model-init-gpt2");
        lock (GlobalGeneratorLock)
        {
            manual_seed(Seeds.Derive(config.Training.Seed, "model-init"));
            return new InContextTransformer(config.TransformerConfig(), generator);
        }
    }

    /// <summary>Identifies the settings that determine the weights; a checkpoint only resumes a run with the same one.</summary>
    public static string Fingerprint(ExperimentConfig config)
    {
        string relevant = PresetLoader.ToYaml(new ExperimentConfig { Task = config.Task, Model = config.Model, Training = config.Training });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(relevant)))[..16];
    }

    /// <summary>Trains to the last step, checkpointing every checkpoint_every steps and when cancelled.</summary>
    /// <param name="resume">Continue from the run's checkpoint (its fingerprint must match) instead of starting afresh.</param>
    /// <param name="progress">Receives progress; null: silent.</param>
    /// <param name="cancellationToken">Stops training after the current step, with a checkpoint.</param>
    /// <exception cref="TrainingDivergedException">The loss stopped being a finite number.</exception>
    public TrainingOutcome Train(bool resume, ITrainingProgress? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(runDirectory);
        using var model = CreateModel(config, Device);
        using var optimizer = optim.Adam(model.parameters(), lr: config.Training.LearningRate);
        string fingerprint = Fingerprint(config);
        int step = resume && File.Exists(CheckpointPath) ? Checkpoint.Load(CheckpointPath, model, optimizer, fingerprint) : 0;
        double secondsBefore = PrepareLog(step);
        RecordSession(step + 1);
        int total = config.Training.Steps;
        progress?.Started(step + 1, total);
        var clock = Stopwatch.StartNew();
        double lastLoss = double.NaN;
        model.train();
        using var log = new StreamWriter(Path.Combine(runDirectory, LogFileName), append: true);
        while (step < total)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Checkpoint.Save(CheckpointPath, model, optimizer, step, fingerprint);
                return new TrainingOutcome(TrainingStatus.Interrupted, step, lastLoss, clock.Elapsed);
            }
            int next = step + 1;
            lastLoss = TrainStep(model, optimizer, next);
            step = next;
            double seconds = secondsBefore + clock.Elapsed.TotalSeconds;
            if (step % config.Training.LogEvery == 0 || step == total)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step},{lastLoss:R},{seconds:0.###}"));
                log.Flush();
            }
            if (step % config.Training.CheckpointEvery == 0 || step == total)
                Checkpoint.Save(CheckpointPath, model, optimizer, step, fingerprint);
            progress?.Step(step, total, lastLoss, clock.Elapsed);
        }
        return new TrainingOutcome(TrainingStatus.Completed, step, lastLoss, clock.Elapsed);
    }

    /// <summary>One optimiser step on the batch of step <paramref name="step"/>; returns its loss.</summary>
    public double TrainStep(InContextTransformer model, OptimizerHelper optimizer, int step)
    {
        using var scope = NewDisposeScope();
        var reward = RewardModel.Parse(config.Training.Reward);
        var corruption = new RewardCorruption(config.Training.RewardNoise);
        int n = config.Training.Curriculum?.ResponsesAt(step, config.Task.N) ?? config.Task.N;
        using var dataGenerator = Seeds.Generator(config.Training.Seed, $"train-batch-{step}");
        using var noiseGenerator = Seeds.Generator(config.Training.Seed, $"train-reward-noise-{step}");
        var batch = config.CreateTask(n).Sample(config.Training.BatchSize, dataGenerator).MoveTo(Device);
        var rewards = corruption.Apply(batch.Rewards, noiseGenerator);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = config.Training.LearningRateAt(step);
        optimizer.zero_grad();
        // Gradient accumulation over micro-batches: the batch loss is the mean over contexts, so the micro-batch
        // means weighted by their share add up to it (same gradient, less memory, better cache use on CPU).
        int size = batch.Size;
        int micro = config.Training.MicroBatchSize is > 0 and var m && m < size ? m : size;
        double value = 0;
        for (int start = 0; start < size; start += micro)
        {
            using var microScope = NewDisposeScope();
            int count = Math.Min(micro, size - start);
            var part = batch.Slice(start, count);
            var partRewards = rewards.narrow(0, start, count);
            var predictions = model.forward(part.Query, part.Responses, partRewards).narrow(1, 1, n - 1);
            var loss = RankingLoss.OnlinePlackettLuce(predictions, part.Responses, partRewards, reward,
                config.Training.Temperature, Math.Min(config.Training.MinPrefix, n - 1)) * ((double)count / size);
            double partValue = loss.to_type(ScalarType.Float64).item<double>();
            if (!double.IsFinite(partValue))
                throw new TrainingDivergedException(
                    $"training loss became {partValue} at step {step}; stopped without saving it (the last good checkpoint, if any, is kept in {runDirectory})");
            loss.backward();
            value += partValue;
        }
        optimizer.step();
        return value;
    }

    /// <summary>Training seconds the run's log records, over every session (0 when there is no log yet).</summary>
    public static double LoggedSeconds(string runDirectory)
    {
        string path = Path.Combine(runDirectory, LogFileName);
        if (!File.Exists(path)) return 0;
        string? last = File.ReadLines(path).Skip(1).LastOrDefault(line => line.Length > 0);
        return last?.Split(',') is [_, _, var seconds] ? double.Parse(seconds, CultureInfo.InvariantCulture) : 0;
    }

    private void RecordSession(int firstStep)
    {
        string path = Path.Combine(runDirectory, SessionsFileName);
        var rows = File.Exists(path) ? File.ReadAllLines(path).Where(line => line.Length > 0).ToList() : [SessionsHeader];
        rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"{firstStep},{TorchDevices.Describe(Device)},{get_num_threads()},{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}"));
        AtomicFile.WriteAllText(path, string.Join('\n', rows) + "\n");
    }

    /// <summary>Keeps the log consistent with the checkpoint: rows past the resumed step are dropped. Returns the seconds already spent.</summary>
    private double PrepareLog(int resumedStep)
    {
        string path = Path.Combine(runDirectory, LogFileName);
        var kept = new List<string> { LogHeader };
        double seconds = 0;
        if (resumedStep > 0 && File.Exists(path))
        {
            foreach (string line in File.ReadLines(path).Skip(1))
            {
                string[] fields = line.Split(',');
                if (fields.Length == 3 && int.TryParse(fields[0], CultureInfo.InvariantCulture, out int logged) && logged <= resumedStep)
                {
                    kept.Add(line);
                    seconds = double.Parse(fields[2], CultureInfo.InvariantCulture);
                }
            }
        }
        AtomicFile.WriteAllText(path, string.Join('\n', kept) + "\n");
        return seconds;
    }
}
