namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="TrainedModelEvaluation.Run"/> evaluates: a finished training run, and which of the paper's results.</summary>
public sealed record RunEvaluationRequest
{
    /// <summary>A training run directory holding config.yaml and a final checkpoint.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Result (a): the transformer against every reference learner over k.</summary>
    public bool Comparison { get; init; }

    /// <summary>Result (b): reward noise shown at evaluation to the transformer, explicit GD and the Adam baseline.</summary>
    public bool Noise { get; init; }

    /// <summary>libtorch threads (null: <see cref="TorchThreads.DefaultFor"/> one run).</summary>
    public int? Threads { get; init; }

    /// <summary><see cref="TorchDevices"/> name (null: <see cref="TorchDevices.Default"/>).</summary>
    public string? Device { get; init; }

    /// <summary>Checks the thread count and the device before anything loads.</summary>
    public void Validate()
    {
        TorchThreads.Validate(Threads, nameof(Threads));
        TorchDevices.Resolve(Device, nameof(Device));
    }
}
