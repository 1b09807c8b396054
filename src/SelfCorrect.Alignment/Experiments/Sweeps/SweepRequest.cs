using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>What <see cref="SweepExperiment.Run"/> trains and evaluates, and where.</summary>
public sealed record SweepRequest
{
    /// <summary>Sweep name (from experiments/sweeps/) or a sweep YAML file.</summary>
    public required string Preset { get; init; }

    /// <summary>Training seeds per configuration (training.seed = 0..Seeds-1).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>The sweep directory; null: runs/sweeps/&lt;sweep&gt;. A sweep already there is continued.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Trainings at a time; the threads are split between them.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>libtorch threads in all (null: the physical cores, <see cref="TorchThreads.PhysicalCores"/>), split evenly between the parallel trainings.</summary>
    public int? Threads { get; init; }

    /// <summary><see cref="TorchDevices"/> name for every training and evaluation (null: <see cref="TorchDevices.Default"/>).</summary>
    public string? Device { get; init; }

    /// <summary>Replace the sweep already in <see cref="OutputDirectory"/> instead of continuing it.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// The part of the sweep's trainings this invocation trains (null: all); the shards of one sweep share its
    /// directory, and the last to finish writes the summary.
    /// </summary>
    public Shard? Shard { get; init; }

    /// <summary>Train nothing: write the summary of what the shards finished, or fail naming the trainings still missing.</summary>
    public bool Aggregate { get; init; }

    /// <summary>Checks the shard and aggregation flags, the seeds, the parallelism and the thread count before any file is read.</summary>
    public void Validate()
    {
        if (Shard is { IsPartial: true } && Force)
            throw new InvalidSettingException(nameof(Force), $"cannot be combined with {{{nameof(Shard)}}}: every shard would delete the others' runs; clear the directory once before submitting the shards");
        if (Aggregate && Shard is not null) throw new InvalidSettingException(nameof(Aggregate), $"cannot be combined with {{{nameof(Shard)}}}: aggregation reads every shard's runs");
        if (Aggregate && Force) throw new InvalidSettingException(nameof(Aggregate), $"cannot be combined with {{{nameof(Force)}}}: aggregation reads the runs that are there");
        if (Parallel < 1) throw new InvalidSettingException(nameof(Parallel), $"must be at least 1 (got {Parallel})");
        TorchThreads.Validate(Threads, nameof(Threads));
        TorchDevices.Resolve(Device, nameof(Device));
        if (Seeds < 1) throw new InvalidSettingException(nameof(Seeds), $"must be at least 1 (got {Seeds})");
    }
}
