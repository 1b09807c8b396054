using System.Globalization;
using SelfCorrect.Alignment.Configuration;
using YamlDotNet.RepresentationModel;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>One configuration of an axis: a name and the preset overrides (dotted key → value) that make it.</summary>
/// <param name="Name">The configuration's name, unique within its axis (a directory name).</param>
/// <param name="Overrides">The preset keys it sets, in file order.</param>
/// <param name="BasePath">The preset file the overrides apply to (the axis's base, or the suite's).</param>
/// <param name="Source">Where the sweep file defines it (<c>file:line: configuration 'name'</c>), for errors.</param>
public sealed record SweepConfiguration(string Name, IReadOnlyList<PresetOverride> Overrides, string BasePath, string Source)
{
    /// <summary>The configuration's experiment with <c>training.seed</c> set to <paramref name="seed"/>.</summary>
    public ExperimentConfig ForSeed(long seed) =>
        PresetLoader.Load(BasePath, [.. Overrides, new PresetOverride("training.seed", new YamlScalarNode(seed.ToString(CultureInfo.InvariantCulture)), Source)], Source);

    /// <summary>The overrides as written, e.g. "model.layers=4, model.width=64" (empty for the base preset itself).</summary>
    public string Describe() => string.Join(", ", Overrides.Select(o => $"{o.Key}={SweepFile.Format(o.Value)}"));
}
