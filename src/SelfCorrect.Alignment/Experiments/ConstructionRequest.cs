namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="ConstructionExperiment.Run(ConstructionRequest, TextWriter)"/> measures, and where it writes.</summary>
public sealed record ConstructionRequest
{
    /// <summary>The construction, its β·gap sweep and the contexts it is compared on.</summary>
    public ConstructionSettings Settings { get; init; } = new();
    /// <summary>Where errors.csv, summary.json and the error-against-β·gap figure go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace the construction experiment already in <see cref="OutputDirectory"/>.</summary>
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
