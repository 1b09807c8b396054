using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="TrainingRun.Start"/> trains, and where.</summary>
public sealed record TrainingRunRequest
{
    public const string DefaultPreset = "quick";

    /// <summary>Preset name or YAML file; null: <see cref="DefaultPreset"/>, or when resuming, the run's own settings.</summary>
    public string? Preset { get; init; }

    /// <summary><c>key.path=value</c> overrides of the preset (errors name this setting: <see cref="PresetLoader.OverridesSetting"/>).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>The run directory; null: runs/&lt;preset&gt;.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Replace the training run already in <see cref="OutputDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>Continue the training run in <see cref="OutputDirectory"/> from its last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>libtorch threads (null: <see cref="TorchThreads.DefaultFor"/> one run).</summary>
    public int? Threads { get; init; }

    /// <summary><see cref="TorchDevices"/> name (null: <see cref="TorchDevices.Default"/>).</summary>
    public string? Device { get; init; }

    public string PresetOrDefault => Preset ?? DefaultPreset;

    public string OutputDirectoryOrDefault => OutputDirectory ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(PresetOrDefault));

    public void Validate()
    {
        if (Resume && Force) throw new InvalidSettingException(nameof(Resume), $"cannot be combined with {{{nameof(Force)}}}: one continues the run, the other replaces it");
        TorchThreads.Validate(Threads, nameof(Threads));
        TorchDevices.Resolve(Device, nameof(Device));
    }
}
