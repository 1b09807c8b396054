using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Training;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>One configuration of one axis with one training seed, and the run directory that holds its training.</summary>
public sealed record SweepRun(SweepAxis Axis, SweepConfiguration Configuration, int Seed, ExperimentConfig Config, string Directory)
{
    /// <summary>The run as progress lines and errors name it: <c>axis/configuration seed S</c>.</summary>
    public string Label => $"{Axis.Name}/{Configuration.Name} seed {Seed}";
}

/// <summary>
/// Every (axis, configuration, seed) of a sweep and its run directory, OUT/axis/configuration/seed-S. A
/// configuration that resolves to exactly the settings of an earlier one (the base model, which several axes share)
/// trains once: it reuses the earlier run directory.
/// </summary>
public sealed class SweepPlan
{
    /// <summary>Plans every run of <paramref name="sweep"/> under <paramref name="outputDirectory"/>, seeds 0 to <paramref name="seeds"/> − 1.</summary>
    public SweepPlan(SweepDefinition sweep, int seeds, string outputDirectory)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        Sweep = sweep;
        Seeds = seeds;
        OutputDirectory = outputDirectory;
        var byFingerprint = new Dictionary<string, string>();
        var runs = new List<SweepRun>();
        foreach (var axis in sweep.Axes)
            foreach (var configuration in axis.Configurations)
                for (int seed = 0; seed < seeds; seed++)
                {
                    var config = configuration.ForSeed(seed);
                    string own = Path.Combine(outputDirectory, axis.Name, configuration.Name, $"seed-{seed}");
                    string directory = byFingerprint.TryAdd(Trainer.Fingerprint(config), own) ? own : byFingerprint[Trainer.Fingerprint(config)];
                    runs.Add(new SweepRun(axis, configuration, seed, config, directory));
                }
        Runs = runs;
        Trainings = [.. runs.DistinctBy(r => r.Directory)];
    }

    /// <summary>The sweep planned.</summary>
    public SweepDefinition Sweep { get; }
    /// <summary>Training seeds per configuration.</summary>
    public int Seeds { get; }
    /// <summary>The sweep directory.</summary>
    public string OutputDirectory { get; }

    /// <summary>Every (axis, configuration, seed), shared directories included.</summary>
    public IReadOnlyList<SweepRun> Runs { get; }

    /// <summary>One run per distinct run directory: what actually trains.</summary>
    public IReadOnlyList<SweepRun> Trainings { get; }

    /// <summary>
    /// The trainings of one shard: the plan's trainings split by <see cref="Shard.Balance"/> on their
    /// <see cref="EstimatedCost"/>, so every process of a job array computes the same split and the shards take about
    /// equally long.
    /// </summary>
    public IReadOnlyList<SweepRun> TrainingsOf(Shard shard) =>
        [.. Shard.Balance([.. Trainings.Select(EstimatedCost)], shard.Count)[shard.Index].Select(i => Trainings[i])];

    /// <summary>
    /// A training's cost in arbitrary units, proportional to its arithmetic: steps × batch × context positions ×
    /// layers × width² (the dense products of each layer, which dominate at the widths the presets use).
    /// </summary>
    public static double EstimatedCost(SweepRun run)
    {
        var c = run.Config;
        return (double)c.Training.Steps * c.Training.BatchSize * c.Task.N * c.Model.Layers * c.Model.Width * c.Model.Width;
    }

    /// <summary>The run whose directory <paramref name="run"/> reuses, or null when it trains in its own.</summary>
    public SweepRun? SharedWith(SweepRun run)
    {
        var owner = Trainings.First(t => t.Directory == run.Directory);
        return ReferenceEquals(owner, run) ? null : owner;
    }
}
