using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>
/// Loads experiment presets: a YAML file whose optional <c>inherit:</c> names another preset (by name or path,
/// relative to the file) whose values it overrides key by key; then <c>--set key.path=value</c> overrides; then
/// strict binding to <see cref="ExperimentConfig"/>, where an unknown key or a wrong type is an error that names the
/// file and the key.
/// </summary>
public static class PresetLoader
{
    private static readonly IDeserializer Untyped = new DeserializerBuilder().Build();
    private static readonly IDeserializer Typed = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
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

    public static ExperimentConfig Load(string nameOrPath, IEnumerable<string>? overrides = null)
    {
        string path = Resolve(nameOrPath);
        var merged = LoadMerged(path, []);
        foreach (string assignment in overrides ?? [])
            ApplyOverride(merged, assignment);
        return Bind(merged, Path.GetFileName(path));
    }

    /// <summary>
    /// A resolved preset file with overrides already parsed from YAML (dotted key → untyped value, as a sweep file's
    /// configuration holds them); errors are reported against <paramref name="source"/>.
    /// </summary>
    public static ExperimentConfig Load(string path, IEnumerable<KeyValuePair<string, object?>> overrides, string source)
    {
        var merged = LoadMerged(path, []);
        foreach (var (key, value) in overrides)
            SetPath(merged, key, value);
        return Bind(merged, source);
    }

    /// <summary>Reads a resolved config.yaml (no inheritance) as written into a run directory.</summary>
    public static ExperimentConfig LoadResolved(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' not found: is this a run directory?");
        return Bind(ReadMapping(path), path);
    }

    public static string ToYaml(ExperimentConfig config) => Serializer.Serialize(config);

    private static Dictionary<string, object?> LoadMerged(string path, HashSet<string> visiting)
    {
        if (!visiting.Add(path)) throw new InvalidDataException($"{path}: 'inherit' forms a cycle");
        var mapping = ReadMapping(path);
        if (mapping.Remove("inherit", out object? parent))
        {
            if (parent is not string parentName) throw new InvalidDataException($"{path}: 'inherit' must name one preset");
            var baseMapping = LoadMerged(Resolve(parentName, Path.GetDirectoryName(path)), visiting);
            Merge(baseMapping, mapping);
            mapping = baseMapping;
        }
        visiting.Remove(path);
        return mapping;
    }

    private static Dictionary<string, object?> ReadMapping(string path)
    {
        try
        {
            object? document = Untyped.Deserialize<object?>(File.ReadAllText(path));
            return document switch
            {
                null => [],
                Dictionary<object, object?> map => Normalise(map),
                _ => throw new InvalidDataException($"{path}: expected a mapping of keys to values at the top level"),
            };
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: {e.Message}");
        }
    }

    private static Dictionary<string, object?> Normalise(Dictionary<object, object?> map) =>
        map.ToDictionary(entry => entry.Key.ToString()!, entry => entry.Value is Dictionary<object, object?> inner ? Normalise(inner) : entry.Value);

    /// <summary>Deep merge: mappings merge key by key, everything else (scalars, lists) is replaced.</summary>
    private static void Merge(Dictionary<string, object?> target, Dictionary<string, object?> overriding)
    {
        foreach (var (key, value) in overriding)
        {
            if (value is Dictionary<string, object?> inner && target.TryGetValue(key, out object? existing) && existing is Dictionary<string, object?> existingInner)
                Merge(existingInner, inner);
            else
                target[key] = value;
        }
    }

    private static void ApplyOverride(Dictionary<string, object?> mapping, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0) throw new ArgumentException($"--set: expected key.path=value, got '{assignment}'");
        object? value;
        try
        {
            value = Untyped.Deserialize<object?>(assignment[(equals + 1)..]);
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"--set {assignment}: {e.Message}");
        }
        SetPath(mapping, assignment[..equals], value);
    }

    private static void SetPath(Dictionary<string, object?> mapping, string dottedKey, object? value)
    {
        if (value is Dictionary<object, object?> map) value = Normalise(map);
        string[] path = dottedKey.Split('.');
        var node = mapping;
        foreach (string part in path[..^1])
        {
            if (!node.TryGetValue(part, out object? child) || child is not Dictionary<string, object?> childMap)
                node[part] = childMap = [];
            node = childMap;
        }
        node[path[^1]] = value;
    }

    private static ExperimentConfig Bind(Dictionary<string, object?> mapping, string source)
    {
        CheckKeys(mapping, typeof(ExperimentConfig), "", source);
        ExperimentConfig config;
        try
        {
            config = Typed.Deserialize<ExperimentConfig>(Serializer.Serialize(mapping)) ?? new ExperimentConfig();
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: {(e.InnerException ?? e).Message}");
        }
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

    /// <summary>Every key must name a property (snake_case) of the settings class at that place.</summary>
    private static void CheckKeys(Dictionary<string, object?> mapping, Type type, string prefix, string source)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => UnderscoredNamingConvention.Instance.Apply(p.Name));
        foreach (var (key, value) in mapping)
        {
            if (!properties.TryGetValue(key, out var property))
                throw new ArgumentException($"{source}: unknown key '{prefix}{key}' (known here: {string.Join(", ", properties.Keys)})");
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            bool isSection = propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsGenericType;
            if (isSection && value is Dictionary<string, object?> inner)
                CheckKeys(inner, propertyType, $"{prefix}{key}.", source);
            else if (isSection && value is not null)
                throw new ArgumentException($"{source}: '{prefix}{key}' must be a mapping of keys to values");
        }
    }
}
