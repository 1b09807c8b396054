namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="BaselinesExperiment.Run(BaselinesRequest, TextWriter)"/> evaluates, and where it writes.</summary>
public sealed record BaselinesRequest
{
    public BaselinesSettings Settings { get; init; } = new();
    public required string OutputDirectory { get; init; }

    /// <summary>Replace the baseline evaluation already in <see cref="OutputDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>libtorch threads (null: libtorch's choice).</summary>
    public int? Threads { get; init; }

    public void Validate()
    {
        Settings.Validate();
        TorchThreads.Validate(Threads, nameof(Threads));
    }
}
