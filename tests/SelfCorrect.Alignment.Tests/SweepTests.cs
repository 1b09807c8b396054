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
    public void ATrainingAnotherProcessHoldsIsLeftToIt()
    {
        var sweep = WriteAndLoad("base: tiny\ntasks: [reference]\nconfigurations:\n  - name: only\n    set: {training.steps: 2}\n");
        var plan = new SweepPlan(sweep, seeds: 1, NewDirectory());
        var unit = plan.Trainings.Single();
        using (RunDirectory.CreateOrContinue(unit.Directory, LabRuns.Training, replace: false))
        {
            // Another process (here: this test) holds the run, as a concurrent shard would: this one does not train it.
            var log = new StringWriter();
            var busy = new SweepRunner(plan, parallel: 1, log).Run();
            Assert.Equal(SweepRunStatus.Busy, busy.Trainings.Single().Status);
            Assert.Contains("in use by another process", log.ToString());
            Assert.False(File.Exists(Path.Combine(unit.Directory, Checkpoint.FileName)));
            Assert.Equal([unit], SweepRunner.Collect(plan).Unfinished);
        }
        var outcome = new SweepRunner(plan, parallel: 1, new StringWriter()).Run();
        Assert.Equal(SweepRunStatus.Trained, outcome.Trainings.Single().Status);
        Assert.True(RunDirectory.Holds(unit.Directory, LabRuns.Training));
        Assert.True(SweepRunner.Collect(plan).Complete);
    }

    /// <summary>Two configurations of different sizes, two seeds each: four small trainings.</summary>
    private const string TwoByTwo = "axis: micro\nbase: tiny\ntasks: [reference]\nconfigurations:\n" +
        "  - name: one-layer\n    set: {model.layers: 1, training.steps: 8, training.checkpoint_every: 2}\n" +
        "  - name: two-layers\n    set: {training.steps: 8, training.checkpoint_every: 2}\n";

    private static string WriteSweepFile(string yaml)
    {
        string path = Path.Combine(NewDirectory(), "micro.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void ShardsSplitTheTrainingsByEstimatedCostTheSameWayEveryTime()
    {
        var sweep = WriteAndLoad(TwoByTwo);
        var plan = new SweepPlan(sweep, seeds: 3, NewDirectory());
        var shards = Enumerable.Range(0, 2).Select(i => plan.TrainingsOf(new Shard(i, 2))).ToList();
        Assert.Equal(plan.Trainings.OrderBy(r => r.Directory), shards.SelectMany(s => s).OrderBy(r => r.Directory));
        Assert.Equal(shards[0].Select(r => r.Label), new SweepPlan(sweep, seeds: 3, NewDirectory()).TrainingsOf(new Shard(0, 2)).Select(r => r.Label));
        // Three trainings of cost 2 and three of cost 1: the shards' costs differ by at most the cheapest training.
        double[] costs = [.. shards.Select(s => s.Sum(SweepPlan.EstimatedCost))];
        Assert.True(Math.Abs(costs[0] - costs[1]) <= plan.Trainings.Min(SweepPlan.EstimatedCost) + 1e-9, $"shard costs {costs[0]} and {costs[1]}");
        Assert.Equal(2, SweepPlan.EstimatedCost(plan.Trainings.First(r => r.Configuration.Name == "two-layers")) / SweepPlan.EstimatedCost(plan.Trainings.First(r => r.Configuration.Name == "one-layer")));
    }

    [Fact]
    public async Task ConcurrentShardsTrainEachUnitOnceAKilledShardResumesAndTheSummaryEqualsASequentialSweeps()
    {
        string file = WriteSweepFile(TwoByTwo);
        string sequential = NewDirectory(), sharded = NewDirectory();
        SweepRequest Request(string output, Shard? shard = null, bool aggregate = false) =>
            new() { Preset = file, Seeds = 2, OutputDirectory = output, Threads = 1, Shard = shard, Aggregate = aggregate };
        SweepExperiment.Run(Request(sequential), new StringWriter());

        // Shard 0 is stopped at its second logged step (as Slurm's preemption would), while shard 1 runs beside it.
        using var stop = new CancellationTokenSource();
        var stopping = new CancelOnLine("step 4/8", stop);
        var first = Task.Run(() => SweepExperiment.Run(Request(sharded, new Shard(0, 2)), stopping, stop.Token));
        var second = Task.Run(() => SweepExperiment.Run(Request(sharded, new Shard(1, 2)), new StringWriter()));
        var (killed, other) = (await first, await second);
        Assert.True(killed.Interrupted);
        Assert.DoesNotContain(other.Trainings, t => t.Status == SweepRunStatus.Busy);
        Assert.False(File.Exists(Path.Combine(sharded, SweepReport.SummaryFile)));
        var aggregateEarly = SweepExperiment.Run(Request(sharded, aggregate: true), new StringWriter());
        Assert.NotEmpty(aggregateEarly.Unfinished);

        var resumed = SweepExperiment.Run(Request(sharded, new Shard(0, 2)), new StringWriter());
        Assert.Contains(resumed.Trainings, t => t.Status == SweepRunStatus.Resumed);
        // Every training was trained by exactly one shard: the two shards' trainings are disjoint and cover the sweep.
        var trainedBy = killed.Trainings.Concat(resumed.Trainings).Concat(other.Trainings)
            .Where(t => t.Status is SweepRunStatus.Trained or SweepRunStatus.Resumed).GroupBy(t => t.Run.Label).ToList();
        Assert.Equal(4, trainedBy.Count);
        Assert.Empty(resumed.Unfinished);
        Assert.Equal(File.ReadAllText(Path.Combine(sequential, SweepReport.SummaryFile)), File.ReadAllText(Path.Combine(sharded, SweepReport.SummaryFile)));
        var plan = new SweepPlan(SweepFile.Load(file), 2, sharded);
        foreach (var run in plan.Trainings)
            Assert.Equal(File.ReadAllBytes(Path.Combine(run.Directory.Replace(sharded, sequential), Checkpoint.FileName)), File.ReadAllBytes(Path.Combine(run.Directory, Checkpoint.FileName)));

        var aggregated = SweepExperiment.Run(Request(sharded, aggregate: true), new StringWriter());
        Assert.Empty(aggregated.Unfinished);
        Assert.Equal(4, aggregated.Trainings.Count);
        Assert.Equal(File.ReadAllText(Path.Combine(sequential, SweepReport.SummaryFile)), File.ReadAllText(Path.Combine(sharded, SweepReport.SummaryFile)));
    }

    /// <summary>A log that cancels <paramref name="stop"/> when a line containing <paramref name="text"/> is written.</summary>
    private sealed class CancelOnLine(string text, CancellationTokenSource stop) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(text, StringComparison.Ordinal) == true) stop.Cancel();
        }
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
