using YamlDotNet.RepresentationModel;

namespace SelfCorrect.Alignment.Configuration;

/// <summary>One override of a preset value: a dotted key (<c>model.layers</c>), its YAML value, and where it was written (for errors).</summary>
public sealed record PresetOverride(string Key, YamlNode Value, string Location);
