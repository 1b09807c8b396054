using SelfCorrect.Common;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SelfCorrect.Alignment.Configuration;

/// <summary>
/// Loads experiment presets: a YAML file whose optional <c>inherit:</c> names another preset (by name or path,
/// relative to the file) whose values it overrides key by key; then overrides (<c>key.path=value</c>); then strict
/// binding to <see cref="ExperimentConfig"/> (<see cref="StrictYaml"/>), where an unknown key or a wrong type is an
/// error naming the file that wrote it, the line and the key, and then <see cref="ExperimentConfig.Validate"/>.
/// </summary>
public static class PresetLoader
{
    /// <summary>
    /// The setting that holds <c>key.path=value</c> overrides, named by their errors: the <c>Overrides</c> of the
    /// requests that take a preset.
    /// </summary>
    public const string OverridesSetting = "Overrides";

    private static readonly ISerializer Serializer = new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    /// <summary>Directories searched for a preset given by name: ./experiments, then the one shipped beside the program.</summary>
    public static IReadOnlyList<string> SearchDirectories =>
    [
        Path.Combine(Directory.GetCurrentDirectory(), "experiments"),
        Path.Combine(AppContext.BaseDirectory, "experiments"),
    ];

    /// <summary>
    /// A preset name (quick, paper, …) or a path to a YAML file. Names are looked up in <paramref name="relativeTo"/>,
    /// then in <paramref name="searchDirectories"/> (default: <see cref="SearchDirectories"/>).
    /// </summary>
    public static string Resolve(string nameOrPath, string? relativeTo = null, IReadOnlyList<string>? searchDirectories = null)
    {
        if (nameOrPath.EndsWith(".yaml", StringComparison.Ordinal) || nameOrPath.EndsWith(".yml", StringComparison.Ordinal) || nameOrPath.Contains('/'))
        {
            string path = relativeTo is null ? nameOrPath : Path.Combine(relativeTo, nameOrPath);
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"preset file '{path}' not found");
        }
        searchDirectories ??= SearchDirectories;
        var directories = relativeTo is null ? searchDirectories : [relativeTo, .. searchDirectories];
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, nameOrPath + ".yaml");
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new ArgumentException($"unknown preset '{nameOrPath}' (looked in {string.Join(", ", directories)})");
    }

    /// <summary>A preset with overrides written as <c>key.path=value</c>; a bad one is an error of <see cref="OverridesSetting"/>.</summary>
    public static ExperimentConfig Load(string nameOrPath, IEnumerable<string>? overrides = null)
    {
        string path = Resolve(nameOrPath);
        var parsed = (overrides ?? []).Select(ParseOverride).ToList();
        string source = Path.GetFileName(path);
        try
        {
            return Load(path, parsed, source);
        }
        catch (ArgumentException e) when (e is not InvalidSettingException && e.Message.StartsWith($"{source}: ", StringComparison.Ordinal)
            && parsed.Any(o => e.Message.Contains(o.Key.Split('.')[^1], StringComparison.Ordinal)))
        {
            // A value the file accepts but an override made invalid (heads that no longer divide the width): the override's error.
            throw new InvalidSettingException(OverridesSetting, e.Message[(source.Length + 2)..]);
        }
    }

    /// <summary>
    /// A resolved preset file with overrides already read from YAML (as a sweep file's configuration holds them);
    /// errors the binding cannot place on a node (<see cref="ExperimentConfig.Validate"/>) name <paramref name="source"/>.
    /// </summary>
    public static ExperimentConfig Load(string path, IEnumerable<PresetOverride> overrides, string source)
    {
        var origins = new Origins();
        var merged = LoadMerged(path, origins, []);
        foreach (var assignment in overrides)
            SetPath(merged, assignment, origins);
        return Bind(merged, origins.Of, source);
    }

    /// <summary>Reads a resolved config.yaml (no inheritance) as written into a run directory.</summary>
    public static ExperimentConfig LoadResolved(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' not found: is this a run directory?");
        return Bind(StrictYaml.ReadMapping(path), StrictYaml.In(path), path);
    }

    /// <summary>The preset as YAML with snake_case keys, the form presets are read in; written beside each run as config.yaml.</summary>
    public static string ToYaml(ExperimentConfig config) => Serializer.Serialize(config);

    /// <summary>The preset's mapping with its <c>inherit:</c> chain merged in, every node's file recorded in <paramref name="origins"/>.</summary>
    private static YamlMappingNode LoadMerged(string path, Origins origins, HashSet<string> visiting)
    {
        visiting.Add(path);
        var mapping = StrictYaml.ReadMapping(path);
        origins.AddFile(mapping, Path.GetFileName(path));
        if (StrictYaml.Entry(mapping, "inherit") is not { } inherit) return mapping;
        mapping.Children.Remove(inherit.Key);
        if (inherit.Value is not YamlScalarNode { Value: { Length: > 0 } parentName })
            throw new InvalidDataException($"{origins.Of(inherit.Value)}: inherit: must name one preset");
        string parentPath;
        try
        {
            parentPath = Resolve(parentName, Path.GetDirectoryName(path));
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            throw new InvalidDataException($"{origins.Of(inherit.Value)}: inherit: {e.Message}");
        }
        if (visiting.Contains(parentPath))
            throw new InvalidDataException($"{origins.Of(inherit.Value)}: inherit: '{parentName}' forms a cycle");
        return Merge(LoadMerged(parentPath, origins, visiting), mapping, origins);
    }

    /// <summary>Deep merge: mappings merge key by key, everything else (scalars, lists) is replaced.</summary>
    private static YamlMappingNode Merge(YamlMappingNode baseMapping, YamlMappingNode overriding, Origins origins)
    {
        var merged = new YamlMappingNode();
        origins.Add(merged, origins.Of(overriding));
        foreach (var (key, value) in baseMapping.Children) merged.Children.Add(key, value);
        foreach (var (key, value) in overriding.Children)
        {
            var existing = key is YamlScalarNode { Value: { } name } ? StrictYaml.Entry(merged, name) : null;
            if (existing is { } entry) merged.Children.Remove(entry.Key);
            merged.Children.Add(key, existing?.Value is YamlMappingNode inner && value is YamlMappingNode innerOverride
                ? Merge(inner, innerOverride, origins)
                : value);
        }
        return merged;
    }

    private static PresetOverride ParseOverride(string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0) throw new InvalidSettingException(OverridesSetting, $"expected key.path=value, got '{assignment}'");
        string key = assignment[..equals], text = assignment[(equals + 1)..];
        string location = $"'{assignment}'";
        try
        {
            var value = string.IsNullOrWhiteSpace(text) ? new YamlScalarNode() : StrictYaml.Parse(text, location);
            // Bound alone first, so that an unknown key or a wrong type is reported as this override's own error.
            StrictYaml.Bind<ExperimentConfig>(Nest(key, value), _ => location);
            return new PresetOverride(key, value, location);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidSettingException(OverridesSetting, e.Message);
        }
    }

    /// <summary>{a: {b: value}} for the dotted key a.b.</summary>
    private static YamlNode Nest(string dottedKey, YamlNode value) =>
        Enumerable.Reverse(dottedKey.Split('.')).Aggregate(value, (inner, part) => new YamlMappingNode { { part, inner } });

    /// <summary>Sets the value at the dotted key, making the mappings on the way; the value replaces what was there.</summary>
    private static void SetPath(YamlMappingNode root, PresetOverride assignment, Origins origins)
    {
        origins.AddAll(assignment.Value, assignment.Location);
        string[] parts = assignment.Key.Split('.');
        var mapping = root;
        foreach (string part in parts[..^1])
        {
            // A copy of the mapping on the way: it may be an earlier override's value, which stays as written.
            var child = new YamlMappingNode();
            origins.Add(child, assignment.Location);
            if (StrictYaml.Entry(mapping, part)?.Value is YamlMappingNode existing)
            {
                foreach (var (key, value) in existing.Children) child.Children.Add(key, value);
                origins.Add(child, origins.Of(existing));
            }
            Put(mapping, part, child, assignment.Location, origins);
            mapping = child;
        }
        Put(mapping, parts[^1], assignment.Value, assignment.Location, origins);
    }

    private static void Put(YamlMappingNode mapping, string key, YamlNode value, string location, Origins origins)
    {
        if (StrictYaml.Entry(mapping, key) is { } existing) mapping.Children.Remove(existing.Key);
        var keyNode = new YamlScalarNode(key);
        origins.Add(keyNode, location);
        mapping.Children.Add(keyNode, value);
    }

    private static ExperimentConfig Bind(YamlMappingNode mapping, StrictYaml.Locator where, string source)
    {
        var config = StrictYaml.Bind<ExperimentConfig>(mapping, where);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{source}: {e.Message}");
        }
        return config;
    }

    /// <summary>Where each node of a merged preset was written (<c>file:line</c>), so errors name the file that set a value.</summary>
    private sealed class Origins
    {
        private readonly Dictionary<YamlNode, string> locations = new(ReferenceEqualityComparer.Instance);

        public void AddFile(YamlNode root, string fileName)
        {
            foreach (var node in root.AllNodes) locations[node] = $"{fileName}:{node.Start.Line}";
        }

        public void AddAll(YamlNode root, string location)
        {
            foreach (var node in root.AllNodes) locations.TryAdd(node, location);
        }

        public void Add(YamlNode node, string location) => locations[node] = location;

        public string Of(YamlNode node) => locations.TryGetValue(node, out string? location) ? location : "?";
    }
}
