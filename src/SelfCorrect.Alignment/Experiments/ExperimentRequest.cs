namespace SelfCorrect.Alignment.Experiments;

/// <summary>Settings of an experiment without training (<see cref="BaselinesSettings"/>, <see cref="ConstructionSettings"/>).</summary>
public interface IExperimentSettings
{
    /// <summary>Throws <see cref="SelfCorrect.Common.InvalidSettingException"/> before anything runs or is written.</summary>
    void Validate();
}

/// <summary>
/// What <see cref="BaselinesExperiment"/> or <see cref="ConstructionExperiment"/> measures, where it writes, and on
/// which device and threads it computes.
/// </summary>
/// <typeparam name="TSettings">The experiment's settings.</typeparam>
public sealed record ExperimentRequest<TSettings> where TSettings : IExperimentSettings, new()
{
    /// <summary>What the experiment measures; validated with the request.</summary>
    public TSettings Settings { get; init; } = new();

    /// <summary>The run directory the experiment writes (created, and held while it works).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace the experiment of the same kind already in <see cref="OutputDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>libtorch threads (null: <see cref="TorchThreads.DefaultFor"/> one run).</summary>
    public int? Threads { get; init; }

    /// <summary><see cref="TorchDevices"/> name (null: <see cref="TorchDevices.Default"/>).</summary>
    public string? Device { get; init; }

    /// <summary>Checks the settings, the thread count and the device before anything runs or is written.</summary>
    public void Validate()
    {
        Settings.Validate();
        TorchThreads.Validate(Threads, nameof(Threads));
        TorchDevices.Resolve(Device, nameof(Device));
    }
}
