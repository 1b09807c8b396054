using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Alignment.Training;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class TrainingTests
{
    private static ExperimentConfig Small(int steps, int checkpointEvery) => new()
    {
        Task = new TaskSettings { Name = "reference", D = 3, N = 6 },
        Model = new ModelSettings { Layers = 2, Heads = 2, Width = 16 },
        Training = new TrainingSettings { Steps = steps, BatchSize = 16, LearningRate = 3e-3, Seed = 5, CheckpointEvery = checkpointEvery, LogEvery = 1 },
    };

    private static string TemporaryRun() => Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));

    private sealed class CancelAt(int step, CancellationTokenSource source) : ITrainingProgress
    {
        public void Started(int firstStep, int totalSteps) { }
        public void Step(int current, int totalSteps, double loss, TimeSpan elapsed)
        {
            if (current == step) source.Cancel();
        }
    }

    private static Dictionary<string, Tensor> Weights(ExperimentConfig config, string run)
    {
        var model = Trainer.CreateModel(config);
        Checkpoint.Load(Path.Combine(run, Checkpoint.FileName), model, null, Trainer.Fingerprint(config));
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
    }

    [Fact]
    public void InterruptedAndResumedRunEndsWithTheSameWeights()
    {
        var config = Small(steps: 6, checkpointEvery: 100);
        string straight = TemporaryRun(), interrupted = TemporaryRun();
        Assert.Equal(TrainingStatus.Completed, new Trainer(config, straight).Train(resume: false).Status);

        using var cancel = new CancellationTokenSource();
        var first = new Trainer(config, interrupted).Train(resume: false, new CancelAt(3, cancel), cancel.Token);
        Assert.Equal(TrainingStatus.Interrupted, first.Status);
        Assert.Equal(3, first.Step);
        var second = new Trainer(config, interrupted).Train(resume: true);
        Assert.Equal(TrainingStatus.Completed, second.Status);

        var a = Weights(config, straight);
        var b = Weights(config, interrupted);
        Assert.Equal(a.Keys, b.Keys);
        foreach (string name in a.Keys) Assert.True(a[name].equal(b[name]).all().item<bool>(), $"{name} differs after resume");
        // The log has one row per step, none repeated.
        var steps = File.ReadLines(Path.Combine(interrupted, Trainer.LogFileName)).Skip(1).Select(l => int.Parse(l.Split(',')[0]));
        Assert.Equal(Enumerable.Range(1, 6), steps);
    }

    [Fact]
    public void NonFiniteLossStopsNamingTheStepAndKeepsTheLastGoodCheckpoint()
    {
        var config = Small(steps: 50, checkpointEvery: 1);
        config.Training.LearningRate = 1e37;   // weights overflow float32 within a few steps
        config.Training.Reward = "squared-distance";
        string run = TemporaryRun();
        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(config, run).Train(resume: false));
        Assert.Matches("at step [0-9]+", error.Message);
        int failedStep = int.Parse(System.Text.RegularExpressions.Regex.Match(error.Message, "at step ([0-9]+)").Groups[1].Value);
        var model = Trainer.CreateModel(config);
        int saved = Checkpoint.Load(Path.Combine(run, Checkpoint.FileName), model, null, Trainer.Fingerprint(config));
        Assert.Equal(failedStep - 1, saved);
    }

    [Fact]
    public void CheckpointRoundTripReproducesPredictionsAndRejectsOtherSettings()
    {
        var config = Small(steps: 2, checkpointEvery: 1);
        string run = TemporaryRun();
        new Trainer(config, run).Train(resume: false);
        using var batch = new ReferenceLinearAlignment(3, 6).Sample(4, new Generator(1));
        var loaded = Trainer.CreateModel(config);
        Checkpoint.Load(Path.Combine(run, Checkpoint.FileName), loaded, null, Trainer.Fingerprint(config));
        var again = Trainer.CreateModel(config);
        Checkpoint.Load(Path.Combine(run, Checkpoint.FileName), again, null, Trainer.Fingerprint(config));
        Assert.True(loaded.Predict(batch).equal(again.Predict(batch)).all().item<bool>());
        Assert.False(Trainer.CreateModel(config).Predict(batch).equal(loaded.Predict(batch)).all().item<bool>());

        var other = Small(steps: 2, checkpointEvery: 1);
        other.Model.Width = 32;
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Path.Combine(run, Checkpoint.FileName), Trainer.CreateModel(other), null, Trainer.Fingerprint(other)));
        File.WriteAllText(Path.Combine(run, "garbage.bin"), "not a checkpoint");
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Path.Combine(run, "garbage.bin"), loaded, null, null));
    }

    [Fact]
    public void TruncatedCorruptedOrUncheckedCheckpointsAreRefusedNamingTheFile()
    {
        var config = Small(steps: 1, checkpointEvery: 1);
        string run = TemporaryRun();
        new Trainer(config, run).Train(resume: false);
        string path = Path.Combine(run, Checkpoint.FileName);
        byte[] good = File.ReadAllBytes(path);
        string fingerprint = Trainer.Fingerprint(config);
        Assert.Equal(1, Checkpoint.ReadStep(path, fingerprint));

        string Refusal(byte[] contents)
        {
            File.WriteAllBytes(path, contents);
            return Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Trainer.CreateModel(config), null, fingerprint)).Message;
        }
        Assert.Contains($"{path}: checkpoint is truncated", Refusal(good[..^10]));
        Assert.Contains($"{path}: checkpoint has 3 bytes after its payload", Refusal([.. good, 1, 2, 3]));
        byte[] flipped = (byte[])good.Clone();
        flipped[^100] ^= 0x40;   // inside the weights or the Adam state
        Assert.Contains($"{path}: checkpoint is corrupted", Refusal(flipped));
        using (var old = new BinaryWriter(File.Create(path)))
            old.Write("SelfCorrect.Checkpoint/1");
        Assert.Contains($"{path}: checkpoint of format 1 has no checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.ReadStep(path, fingerprint)).Message);
        Assert.Contains($"{path}: not a SelfCorrect checkpoint", Refusal([]));
    }

    [Fact]
    public void MicroBatchesGiveTheSameStepAsTheWholeBatch()
    {
        var whole = Small(steps: 1, checkpointEvery: 1);
        var split = Small(steps: 1, checkpointEvery: 1);
        split.Training.MicroBatchSize = 5;      // 16 = 5 + 5 + 5 + 1: the uneven last pass is weighted by its share
        var (wholeModel, wholeLoss) = OneStep(whole);
        var (splitModel, splitLoss) = OneStep(split);
        Assert.Equal(wholeLoss, splitLoss, 5);
        foreach (var ((name, a), (_, b)) in wholeModel.named_parameters().Zip(splitModel.named_parameters()))
        {
            Assert.True(a.grad is not null && a.grad.abs().max().item<float>() > 0, $"{name} got no gradient");
            Assert.True(a.grad.allclose(b.grad!, rtol: 1e-4, atol: 1e-7), $"{name}: accumulated gradient differs");
        }

        static (Models.InContextTransformer Model, double Loss) OneStep(ExperimentConfig config)
        {
            var model = Trainer.CreateModel(config);
            using var optimizer = optim.SGD(model.parameters(), 0.1);
            double loss = new Trainer(config, TemporaryRun()).TrainStep(model, optimizer, 1);
            return (model, loss);
        }
    }

    [Fact]
    public void QuickPresetTrainingBeatsMeanResponse()
    {
        // The default preset, unchanged: the shortest schedule that reliably gets past the in-context learning
        // transition (a few hundred steps in, the error at k = 19 swings widely before it settles below MeanResponse).
        var config = PresetLoader.Load("quick");
        string run = TemporaryRun();
        new Trainer(config, run).Train(resume: false);
        var model = Trainer.CreateModel(config);
        Checkpoint.Load(Path.Combine(run, Checkpoint.FileName), model, null, Trainer.Fingerprint(config));
        model.eval();
        using var scope = NewDisposeScope();
        using var batch = config.CreateTask().Sample(4096, Seeds.Generator(9, "test-evaluation"));
        using var transformer = ErrorMetric.OneMinusCosine.Compute(model.Predict(batch), batch.Target);
        using var mean = ErrorMetric.OneMinusCosine.Compute(new MeanResponse().Predict(batch), batch.Target);

        // Paired over the same contexts: the per-context difference at k = 19 must be negative beyond 3 standard errors.
        var difference = transformer[.., -1] - mean[.., -1];
        double meanDifference = difference.mean().item<float>();
        double standardError = difference.std().item<float>() / Math.Sqrt(batch.Size);
        Assert.True(meanDifference + 3 * standardError < 0,
            $"transformer - MeanResponse at k = 19: {meanDifference:F4} ± {standardError:F4} (1 - cos)");
        Assert.True(transformer[.., -1].mean().item<float>() < transformer[.., 0].mean().item<float>() / 2, "the transformer's error did not fall with k");
    }
}
