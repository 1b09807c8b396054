namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="ConstructionExperiment.Run(ConstructionRequest, TextWriter)"/> measures, and where it writes.</summary>
public sealed record ConstructionRequest
{
    public ConstructionSettings Settings { get; init; } = new();
    public required string OutputDirectory { get; init; }

    /// <summary>Replace the construction experiment already in <see cref="OutputDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>libtorch threads (null: libtorch's choice).</summary>
    public int? Threads { get; init; }

    public void Validate()
    {
        Settings.Validate();
        TorchThreads.Validate(Threads, nameof(Threads));
    }
}
