using MathNet.Numerics.Distributions;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Experiments.Sweeps;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Training;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Tests;

public class SweepTests
{
    private static string NewDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static SweepDefinition WriteAndLoad(string yaml)
    {
        string path = Path.Combine(NewDirectory(), "sweep.yaml");
        File.WriteAllText(path, yaml);
        return SweepFile.Load(path);
    }

    private sealed class CancelAt(int step, CancellationTokenSource source) : ITrainingProgress
    {
        public void Started(int firstStep, int totalSteps) { }
        public void Step(int current, int totalSteps, double loss, TimeSpan elapsed)
        {
            if (current == step) source.Cancel();
        }
    }

    [Fact]
    public void SeedSummaryUsesTheStudentTIntervalAndFallsBackToContextsForOneSeed()
    {
        var three = SeedSummary.FromSeeds([1.0, 2.0, 4.0]);
        double sd = Math.Sqrt(((1 - 7.0 / 3) * (1 - 7.0 / 3) + (2 - 7.0 / 3) * (2 - 7.0 / 3) + (4 - 7.0 / 3) * (4 - 7.0 / 3)) / 2);
        Assert.Equal(7.0 / 3, three.Mean, 12);
        Assert.Equal(sd, three.StandardDeviation, 12);
        double half = StudentT.InvCDF(0, 1, 2, 0.975) * sd / Math.Sqrt(3);
        Assert.Equal(three.Mean + half, three.High, 12);
        Assert.InRange(half / (sd / Math.Sqrt(3)), 4.30, 4.31);   // t(0.975, 2 df) = 4.303

        var one = SeedSummary.FromSeeds([0.5], 0.4, 0.6);
        Assert.Equal((0.5, 0.4, 0.6), (one.Mean, one.Low, one.High));
    }

    [Fact]
    public void EvidenceStrengthComparesTheDifferenceWithTheSeedSpread()
    {
        var low = SeedSummary.FromSeeds([0.10, 0.11, 0.12]);
        var high = SeedSummary.FromSeeds([0.50, 0.52, 0.51]);
        var overlapping = SeedSummary.FromSeeds([0.09, 0.13, 0.11]);
        var spreadOut = SeedSummary.FromSeeds([0.115, 0.20, 0.25]);

        var strong = SeedComparison.Compare(low, high);
        Assert.Equal(EvidenceStrength.Strong, strong.Strength);
        Assert.True(strong.Difference > 0 && strong.Separated && strong.PValue < 0.05);
        Assert.Equal(EvidenceStrength.Strong, SeedComparison.Compare(high, low).Strength);
        Assert.True(SeedComparison.Compare(high, low).Difference < 0);
        Assert.Equal(EvidenceStrength.None, SeedComparison.Compare(low, overlapping).Strength);
        // 0.078 apart with a seed spread of 0.049, but one seed of each side overlaps the other.
        Assert.Equal(EvidenceStrength.Weak, SeedComparison.Compare(low, spreadOut).Strength);
        Assert.Equal(EvidenceStrength.Unjudged, SeedComparison.Compare(SeedSummary.FromSeeds([0.1]), SeedSummary.FromSeeds([0.2])).Strength);
    }

    [Fact]
    public void ShippedSweepsLoadAndPaperAxesUseTheReferenceSizes()
    {
        string directory = SweepFile.SearchDirectories.First(Directory.Exists);
        var files = Directory.GetFiles(directory, "*.yaml");
        Assert.NotEmpty(files);
        foreach (string file in files) SweepFile.Load(file);

        var depth = SweepFile.Load("depth-paper").Axes.Single();
        Assert.Equal([5, 10, 15, 20], depth.Configurations.Select(c => c.ForSeed(0).Model.Layers));
        var confounded = SweepFile.Load("heads-confounded-paper").Axes.Single().Configurations.Select(c => c.ForSeed(0).Model).ToList();
        Assert.Equal([1, 3, 4, 6], confounded.Select(m => m.Heads));
        Assert.All(confounded, m => Assert.Equal(32 * m.Heads, m.Width));
        var controlled = SweepFile.Load("heads-width-paper").Axes.Single().Configurations.Select(c => c.ForSeed(0).Model).ToList();
        Assert.Single(controlled.Select(m => m.Width).Distinct());
        Assert.Equal([1, 2, 3, 4, 6], controlled.Select(m => m.Heads));

        var quick = SweepFile.Load("all-quick");
        Assert.Equal(["depth", "heads-confounded", "heads-width", "attention", "ffn", "layernorm", "reward-noise"], quick.Axes.Select(a => a.Name));
        Assert.All(quick.Axes, axis => Assert.Equal(["reference", "noisy"], axis.Tasks));
        Assert.Equal(SweepFile.Load("all-paper").Axes.Select(a => a.Name), quick.Axes.Select(a => a.Name));
        Assert.All(quick.Axes, axis => Assert.Equal(["reference"], axis.TrainingTasks));

        // A suite's base replaces each axis's own: the same axes, every configuration trained on the noisy task.
        var noisy = SweepFile.Load("all-quick-noisy");
        Assert.Equal(quick.Axes.Select(a => a.Name), noisy.Axes.Select(a => a.Name));
        Assert.All(noisy.Axes, axis => Assert.Equal(["noisy"], axis.TrainingTasks));
        Assert.Equal(4, noisy.Axes[0].Configurations[^1].ForSeed(0).Model.Layers);
        Assert.Equal("reference (transfer, trained on noisy)", noisy.Axes[0].TaskLabel("reference"));
    }

    [Fact]
    public void PlanSharesIdenticalConfigurationsAcrossAxes()
    {
        string directory = NewDirectory();
        File.WriteAllText(Path.Combine(directory, "a.yaml"), "base: tiny\nconfigurations:\n  - name: base\n  - name: deep\n    set: {model.layers: 3}\n");
        File.WriteAllText(Path.Combine(directory, "b.yaml"), "base: tiny\nconfigurations:\n  - name: plain\n  - name: linear\n    set: {model.attention: linear}\n");
        File.WriteAllText(Path.Combine(directory, "suite.yaml"), "include: [a, b]\n");
        var plan = new SweepPlan(SweepFile.Load(Path.Combine(directory, "suite.yaml")), seeds: 2, Path.Combine(directory, "out"));
        Assert.Equal(8, plan.Runs.Count);
        Assert.Equal(6, plan.Trainings.Count);
        var shared = plan.Runs.Single(r => r.Axis.Name == "b" && r.Configuration.Name == "plain" && r.Seed == 1);
        Assert.Equal(Path.Combine(directory, "out", "a", "base", "seed-1"), shared.Directory);
        Assert.Equal("base", plan.SharedWith(shared)!.Configuration.Name);
        Assert.Equal([0, 1], plan.Runs.Where(r => r.Configuration.Name == "deep").Select(r => (int)r.Config.Training.Seed));
    }

    [Fact]
    public void InterruptedRunResumesFromItsCheckpointAndEndsWithTheUninterruptedWeights()
    {
        var sweep = WriteAndLoad("base: tiny\ntasks: [reference]\nconfigurations:\n  - name: only\n    set: {training.steps: 6, training.checkpoint_every: 100}\n");
        string output = NewDirectory();
        var plan = new SweepPlan(sweep, seeds: 1, output);
        var run = plan.Trainings.Single();

        // Interrupt the run's training at step 3 (Ctrl-C saves a checkpoint), as an earlier session would have.
        using var cancel = new CancellationTokenSource();
        Assert.Equal(TrainingStatus.Interrupted, new Trainer(run.Config, run.Directory).Train(resume: false, new CancelAt(3, cancel), cancel.Token).Status);
        AtomicFile.WriteAllText(Path.Combine(run.Directory, LabRuns.ConfigFile), PresetLoader.ToYaml(run.Config));

        var log = new StringWriter();
        var outcome = new SweepRunner(plan, parallel: 1, log).Run();
        Assert.Equal(SweepRunStatus.Resumed, outcome.Trainings.Single().Status);
        Assert.Contains("resuming at step 4 of 6 (", log.ToString());

        string straight = NewDirectory();
        new Trainer(run.Config, straight).Train(resume: false);
        var resumed = Trainer.CreateModel(run.Config);
        Checkpoint.Load(Path.Combine(run.Directory, Checkpoint.FileName), resumed, null, Trainer.Fingerprint(run.Config));
        var uninterrupted = Trainer.CreateModel(run.Config);
        Checkpoint.Load(Path.Combine(straight, Checkpoint.FileName), uninterrupted, null, Trainer.Fingerprint(run.Config));
        foreach (var ((name, a), (_, b)) in resumed.named_parameters().Zip(uninterrupted.named_parameters()))
            Assert.True(a.equal(b).all().item<bool>(), $"{name} differs after the sweep resumed the run");

        // Evaluation results were written next to the run and are read back, not recomputed, on the next pass.
        string evaluation = Assert.Single(Directory.GetFiles(Path.Combine(run.Directory, SweepRunner.EvaluationDirectory)));
        var written = File.GetLastWriteTimeUtc(evaluation);
        var again = new SweepRunner(plan, parallel: 1, new StringWriter()).Run();
        Assert.Equal(SweepRunStatus.Skipped, again.Trainings.Single().Status);
        Assert.Equal(written, File.GetLastWriteTimeUtc(evaluation));
        Assert.Equal(outcome.Observations.Single().Points, again.Observations.Single().Points);
    }

    [Fact]
    public void TheSweepHoldsEveryRunDirectoryItTrainsIn()
    {
        var sweep = WriteAndLoad("base: tiny\ntasks: [reference]\nconfigurations:\n  - name: only\n    set: {training.steps: 2}\n");
        var plan = new SweepPlan(sweep, seeds: 1, NewDirectory());
        var unit = plan.Trainings.Single();
        using (RunDirectory.CreateOrContinue(unit.Directory, LabRuns.Training, replace: false))
        {
            // Another process (here: this test) holds the run: the sweep stops before training anything.
            var error = Assert.Throws<InvalidSettingException>(() => new SweepRunner(plan, parallel: 1, new StringWriter()).Run());
            Assert.Equal(nameof(SweepRequest.OutputDirectory), error.Setting);
            Assert.Contains("in use by another selfcorrect process", error.Message);
            Assert.False(File.Exists(Path.Combine(unit.Directory, Checkpoint.FileName)));
        }
        var outcome = new SweepRunner(plan, parallel: 1, new StringWriter()).Run();
        Assert.Equal(SweepRunStatus.Trained, outcome.Trainings.Single().Status);
        Assert.True(RunDirectory.Holds(unit.Directory, LabRuns.Training));
    }

    [Fact]
    public void ParallelTrainingGivesTheSameWeightsAsOneAtATime()
    {
        var sweep = WriteAndLoad("base: tiny\ntasks: [reference]\nconfigurations:\n  - name: one\n    set: {training.steps: 4}\n  - name: two\n    set: {training.steps: 4, model.layers: 1}\n");
        var sequential = new SweepPlan(sweep, seeds: 2, NewDirectory());
        var parallel = new SweepPlan(sweep, seeds: 2, NewDirectory());
        new SweepRunner(sequential, parallel: 1, new StringWriter()).Run();
        new SweepRunner(parallel, parallel: 2, new StringWriter()).Run();
        foreach (var (a, b) in sequential.Trainings.Zip(parallel.Trainings))
            Assert.Equal(File.ReadAllBytes(Path.Combine(a.Directory, Checkpoint.FileName)), File.ReadAllBytes(Path.Combine(b.Directory, Checkpoint.FileName)));
    }
}
