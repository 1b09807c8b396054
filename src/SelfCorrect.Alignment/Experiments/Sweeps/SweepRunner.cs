using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Alignment.Training;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// Trains runs of a <see cref="SweepPlan"/> (N at a time, each in its own worker thread) with the project's
/// <see cref="Trainer"/>, then evaluates each finished run on its axes' fresh contexts. Finished runs are skipped and
/// unfinished ones resume from their checkpoint, so rerunning an interrupted sweep continues it; evaluations are
/// kept in the run directory (sweep-eval/) and reused. Each training is locked while it trains, so processes that
/// share a sweep (the shards of a job array) never train one twice: a training another process holds is left to it.
/// Models and contexts live on <paramref name="device"/> (null: the CPU).
/// </summary>
public sealed class SweepRunner(SweepPlan plan, int parallel, TextWriter log, TorchSharp.torch.Device? device = null)
{
    /// <summary>The folder of a run directory that keeps its sweep evaluations, reused by a rerun.</summary>
    public const string EvaluationDirectory = "sweep-eval";

    /// <summary>Written into a run directory whose training diverged, so later sessions and other shards know it is done.</summary>
    public const string DivergedFile = "diverged.txt";

    private readonly Lock logLock = new();

    /// <summary>Trains every training of the plan not yet finished (resuming those with a checkpoint) and evaluates each finished one.</summary>
    public SweepOutcome Run(CancellationToken cancellationToken = default) => Run(plan.Trainings, cancellationToken);

    /// <summary>As <see cref="Run(CancellationToken)"/>, for <paramref name="units"/> only (trainings of the plan, such as one shard's).</summary>
    public SweepOutcome Run(IReadOnlyList<SweepRun> units, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        // Every run directory is taken (locked) and checked, or started, before anything trains, so an edited sweep
        // file fails at once; this process holds them all until it is done. One that another process holds is
        // being trained there: it is left to that process.
        var held = new List<RunDirectory>();
        var busy = new List<SweepTrainingResult>();
        try
        {
            foreach (var run in units)
            {
                if (OpenRunDirectory(run) is { } directory)
                {
                    held.Add(directory);
                    continue;
                }
                Write($"{run.Label}: in use by another process (another shard?); left to it");
                busy.Add(new SweepTrainingResult(run, SweepRunStatus.Busy, 0, null));
            }
            return TrainAndEvaluate([.. units.Where(run => busy.All(b => b.Run != run))], busy, cancellationToken);
        }
        finally
        {
            held.ForEach(directory => directory.Dispose());
        }
    }

    /// <summary>
    /// The sweep as its run directories hold it now, read without training or evaluating anything: every finished
    /// training (diverged ones included) with its runs' evaluations, and the trainings not finished yet.
    /// </summary>
    public static SweepCollection Collect(SweepPlan plan)
    {
        var trainings = new List<SweepTrainingResult>();
        var observations = new List<SweepObservation>();
        var unfinished = new List<SweepRun>();
        foreach (var training in plan.Trainings)
        {
            string diverged = Path.Combine(training.Directory, DivergedFile);
            if (File.Exists(diverged))
            {
                trainings.Add(new SweepTrainingResult(training, SweepRunStatus.Diverged, Trainer.LoggedSeconds(training.Directory), File.ReadAllText(diverged).Trim()));
                continue;
            }
            var files = plan.Runs.Where(r => r.Directory == training.Directory).SelectMany(EvaluationFiles).ToList();
            if (CompletedSteps(training) < training.Config.Training.Steps || files.Any(f => !File.Exists(f.Path)))
            {
                unfinished.Add(training);
                continue;
            }
            trainings.Add(new SweepTrainingResult(training, SweepRunStatus.Skipped, Trainer.LoggedSeconds(training.Directory), null));
            observations.AddRange(files.Select(f => new SweepObservation(f.Run, f.Task, f.Noise, ErrorReport.ParseCsv(f.Path))));
        }
        return new SweepCollection(trainings, observations, unfinished);
    }

    private SweepOutcome TrainAndEvaluate(IReadOnlyList<SweepRun> units, IReadOnlyList<SweepTrainingResult> busy, CancellationToken cancellationToken)
    {
        var number = plan.Trainings.Select((run, index) => (run, index + 1)).ToDictionary(x => x.run, x => x.Item2);
        var queue = new ConcurrentQueue<(SweepRun Run, int Index)>(units.Select(run => (run, number[run])));
        var trainings = new ConcurrentBag<SweepTrainingResult>(busy);
        var observations = new ConcurrentBag<SweepObservation>();
        var failures = new ConcurrentQueue<Exception>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, Math.Min(parallel, units.Count)).Select(_ => new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested && queue.TryDequeue(out var next))
                {
                    var result = Train(next.Run, next.Index, stop.Token);
                    trainings.Add(result);
                    if (result.Status is SweepRunStatus.Interrupted or SweepRunStatus.Diverged) continue;
                    foreach (var run in plan.Runs.Where(r => r.Directory == next.Run.Directory))
                        foreach (var observation in Evaluate(run, device)) observations.Add(observation);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
                stop.Cancel();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (failures.TryDequeue(out var failure)) ExceptionDispatchInfo.Throw(failure);
        var order = plan.Runs.Select((run, index) => (run, index)).ToDictionary(x => x.run, x => x.index);
        return new SweepOutcome(
            [.. trainings.OrderBy(t => order[t.Run])],
            [.. observations.OrderBy(o => order[o.Run]).ThenBy(o => o.Task, StringComparer.Ordinal).ThenBy(o => o.Noise)],
            cancellationToken.IsCancellationRequested);
    }

    /// <summary>
    /// The run's directory, held; its resolved config.yaml is written, or checked to be the same as the run's. Null
    /// when another process holds it.
    /// </summary>
    private static RunDirectory? OpenRunDirectory(SweepRun run)
    {
        var directory = RunDirectory.TryCreateOrContinue(run.Directory, LabRuns.Training, nameof(SweepRequest.OutputDirectory));
        if (directory is null) return null;
        try
        {
            string configPath = directory.PathOf(LabRuns.ConfigFile);
            string yaml = PresetLoader.ToYaml(run.Config);
            if (!File.Exists(configPath))
                AtomicFile.WriteAllText(configPath, yaml);
            else if (PresetLoader.ToYaml(PresetLoader.LoadResolved(configPath)) != yaml)
                throw new InvalidSettingException(nameof(SweepRequest.OutputDirectory),
                    $"{configPath} holds other settings than {run.Label} (was the sweep file edited?); choose another directory, or set {{{nameof(SweepRequest.Force)}}} to start over");
            return directory;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    private SweepTrainingResult Train(SweepRun run, int index, CancellationToken cancellationToken)
    {
        string prefix = $"[{index}/{plan.Trainings.Count}] {run.Label}";
        string diverged = Path.Combine(run.Directory, DivergedFile);
        if (File.Exists(diverged))
        {
            string message = File.ReadAllText(diverged).Trim();
            Write($"{prefix}: diverged in an earlier session ({DivergedFile}): {message}");
            return new SweepTrainingResult(run, SweepRunStatus.Diverged, Trainer.LoggedSeconds(run.Directory), message);
        }
        int done = CompletedSteps(run);
        if (done >= run.Config.Training.Steps)
        {
            Write($"{prefix}: finished earlier, skipped");
            return new SweepTrainingResult(run, SweepRunStatus.Skipped, Trainer.LoggedSeconds(run.Directory), null);
        }
        try
        {
            var outcome = new Trainer(run.Config, run.Directory, device).Train(resume: done > 0, new Progress(this, prefix), cancellationToken);
            double seconds = Trainer.LoggedSeconds(run.Directory);
            if (outcome.Status == TrainingStatus.Interrupted)
            {
                Write($"{prefix}: interrupted at step {outcome.Step}, checkpoint saved");
                return new SweepTrainingResult(run, SweepRunStatus.Interrupted, seconds, null);
            }
            Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}: done, final loss {outcome.LastLoss:0.0000}, {outcome.Elapsed.TotalSeconds:0.0} s this session"));
            return new SweepTrainingResult(run, done > 0 ? SweepRunStatus.Resumed : SweepRunStatus.Trained, seconds, null);
        }
        catch (TrainingDivergedException e)
        {
            Write($"{prefix}: {e.Message}");
            AtomicFile.WriteAllText(diverged, e.Message + "\n");
            return new SweepTrainingResult(run, SweepRunStatus.Diverged, Trainer.LoggedSeconds(run.Directory), e.Message);
        }
    }

    /// <summary>Steps the run's checkpoint holds (0 without one).</summary>
    private static int CompletedSteps(SweepRun run)
    {
        string checkpoint = Path.Combine(run.Directory, Checkpoint.FileName);
        return File.Exists(checkpoint) ? Checkpoint.ReadStep(checkpoint, Trainer.Fingerprint(run.Config)) : 0;
    }

    /// <summary>Where the run's errors on each task and noise level of its axis are kept (sweep-eval/).</summary>
    private static IEnumerable<(SweepRun Run, string Task, double Noise, string Path)> EvaluationFiles(SweepRun run)
    {
        var e = run.Axis.Evaluation;
        foreach (string task in run.Axis.Tasks)
            foreach (double p in run.Axis.NoiseLevels)
                yield return (run, task, p, Path.Combine(run.Directory, EvaluationDirectory,
                    string.Create(CultureInfo.InvariantCulture, $"{task}-p{p}-contexts{e.Contexts}-seed{e.Seed}-bootstrap{e.Bootstrap}.csv")));
    }

    /// <summary>The run's errors on every task and noise level of its axis, read from sweep-eval/ when already there (else computed on <paramref name="device"/>).</summary>
    private static List<SweepObservation> Evaluate(SweepRun run, TorchSharp.torch.Device? device)
    {
        var observations = new List<SweepObservation>();
        InContextTransformer? model = null;
        try
        {
            foreach (var (_, task, p, file) in EvaluationFiles(run))
            {
                IReadOnlyList<ErrorPoint> points;
                if (File.Exists(file))
                {
                    points = ErrorReport.ParseCsv(file);
                }
                else
                {
                    model ??= TrainedModelEvaluation.LoadRun(run.Directory, device).Model;
                    points = EvaluateLearner(model, run.Axis, task, p, device);
                    AtomicFile.WriteAllText(file, ErrorReport.ToCsv(points));
                }
                observations.Add(new SweepObservation(run, task, p, points));
            }
        }
        finally
        {
            model?.Dispose();
        }
        return observations;
    }

    /// <summary>
    /// Errors of <paramref name="learner"/> on the fresh contexts of <paramref name="task"/> (shaped by the axis:
    /// d, N, σ) with reward noise p shown: the same contexts for every learner, on <paramref name="device"/> (null: the CPU).
    /// </summary>
    public static IReadOnlyList<ErrorPoint> EvaluateLearner(IInContextLearner learner, SweepAxis axis, string task, double p,
        TorchSharp.torch.Device? device = null)
    {
        var (shape, e) = (axis.ContextShape, axis.Evaluation);
        var contexts = AlignmentTasks.Create(task, shape.D, shape.N, shape.NoiseScale);
        using var clean = TrainedModelEvaluation.SampleContexts(contexts, e, device);
        var shown = TrainedModelEvaluation.WithRewardNoise(clean, e, p);
        try
        {
            return new LearnerEvaluation(e.Bootstrap, e.Seed).Evaluate([learner], shown);
        }
        finally
        {
            shown.Rewards.Dispose();
        }
    }

    /// <summary>The reference baseline on the same contexts: the running mean of the responses (ignores rewards).</summary>
    public static IReadOnlyList<SweepObservation> EvaluateBaseline(SweepAxis axis, SweepRun anyRun, TorchSharp.torch.Device? device = null) =>
        [.. from task in axis.Tasks
            from p in axis.NoiseLevels
            select new SweepObservation(anyRun, task, p, EvaluateLearner(new MeanResponse(), axis, task, p, device))];

    private void Write(string line)
    {
        lock (logLock) log.WriteLine(line);
    }

    /// <summary>Progress as plain lines, four per training, since several trainings share the output.</summary>
    private sealed class Progress(SweepRunner runner, string prefix) : ITrainingProgress
    {
        private int first, interval;

        public void Started(int firstStep, int totalSteps)
        {
            first = firstStep;
            interval = Math.Max(1, totalSteps / 4);
            int threads = TorchSharp.torch.get_num_threads();
            runner.Write(firstStep == 1 ? $"{prefix}: training {totalSteps} steps ({threads} thread(s))" : $"{prefix}: resuming at step {firstStep} of {totalSteps} ({threads} thread(s))");
        }

        public void Step(int step, int totalSteps, double loss, TimeSpan elapsed)
        {
            if (step % interval != 0 || step == totalSteps) return;
            var remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / (step - first + 1) * (totalSteps - step));
            runner.Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}: step {step}/{totalSteps}  loss {loss:0.0000}  eta {remaining:hh\\:mm\\:ss}"));
        }
    }
}
