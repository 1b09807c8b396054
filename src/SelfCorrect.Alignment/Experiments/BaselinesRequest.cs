namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="BaselinesExperiment.Run(BaselinesRequest, TextWriter)"/> evaluates, and where it writes.</summary>
public sealed record BaselinesRequest
{
    /// <summary>The task, its size, the reward noise and the budgets.</summary>
    public BaselinesSettings Settings { get; init; } = new();
    /// <summary>Where errors.csv, summary.json and the figures go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace the baseline evaluation already in <see cref="OutputDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>libtorch threads (null: libtorch's choice).</summary>
    public int? Threads { get; init; }

    /// <summary>Checks the settings and the thread count before anything runs or is written.</summary>
    public void Validate()
    {
        Settings.Validate();
        TorchThreads.Validate(Threads, nameof(Threads));
    }
}
