using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>What <see cref="TrainingRun.Start"/> trains, and where.</summary>
public sealed record TrainingRunRequest
{
    /// <summary>The preset trained when none is named: experiments/quick.yaml, the short one.</summary>
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

    /// <summary><see cref="Preset"/>, or <see cref="DefaultPreset"/>.</summary>
    public string PresetOrDefault => Preset ?? DefaultPreset;

    /// <summary><see cref="OutputDirectory"/>, or runs/ followed by the preset's name.</summary>
    public string OutputDirectoryOrDefault => OutputDirectory ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(PresetOrDefault));

    /// <summary>Checks the flags, the thread count and the device before any preset is read (<see cref="Resume"/> and <see cref="Force"/> exclude each other).</summary>
    public void Validate()
    {
        if (Resume && Force) throw new InvalidSettingException(nameof(Resume), $"cannot be combined with {{{nameof(Force)}}}: one continues the run, the other replaces it");
        TorchThreads.Validate(Threads, nameof(Threads));
        TorchDevices.Resolve(Device, nameof(Device));
    }
}
