using System.Text.RegularExpressions;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;
using YamlDotNet.RepresentationModel;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// Reads sweep files (experiments/sweeps/*.yaml). An axis file names a base preset and lists configurations as
/// overrides of it; a suite file includes axis files. Keys and value types are checked by <see cref="StrictYaml"/>;
/// every error is one line naming the file, the line and the key.
/// </summary>
public static class SweepFile
{
    private static readonly Regex SafeName = new("^[A-Za-z0-9][A-Za-z0-9._-]*$");
    private static readonly Regex ClaimPattern = new(@"^\s*(\S+)\s*<\s*(\S+)\s*$");

    /// <summary>The keys of an axis file.</summary>
    private sealed class AxisKeys
    {
        public string? Axis { get; set; }
        public string? Title { get; set; }
        public string? Base { get; set; }
        public string? Metric { get; set; }
        public List<int>? K { get; set; }
        public List<string>? Tasks { get; set; }
        public List<double>? NoiseLevels { get; set; }
        public List<string>? Claims { get; set; }
        public string? Note { get; set; }
        public List<ConfigurationKeys>? Configurations { get; set; }
    }

    /// <summary>The keys of one entry of an axis file's <c>configurations</c>.</summary>
    private sealed class ConfigurationKeys
    {
        public string? Name { get; set; }

        /// <summary>Dotted preset keys (model.layers) to values, applied by <see cref="PresetLoader"/>.</summary>
        public YamlMappingNode? Set { get; set; }
    }

    /// <summary>The keys of a suite file.</summary>
    private sealed class SuiteKeys
    {
        public string? Title { get; set; }

        /// <summary>Replaces every included axis's own base, e.g. to rerun every axis trained on another task.</summary>
        public string? Base { get; set; }
        public List<string>? Include { get; set; }
    }

    /// <summary>Directories searched for a sweep given by name: ./experiments/sweeps, then the one shipped beside the program.</summary>
    public static IReadOnlyList<string> SearchDirectories => [.. PresetLoader.SearchDirectories.Select(d => Path.Combine(d, "sweeps"))];

    /// <summary>A sweep name (from <see cref="SearchDirectories"/>) or a path to a sweep file.</summary>
    public static string Resolve(string nameOrPath) => PresetLoader.Resolve(nameOrPath, searchDirectories: SearchDirectories);

    /// <summary>The sweep of a name or file, with every configuration resolved (a bad override fails here, before anything trains).</summary>
    public static SweepDefinition Load(string nameOrPath)
    {
        string path = Resolve(nameOrPath);
        var root = StrictYaml.ReadMapping(path);
        var where = Locate(path);
        string name = Path.GetFileNameWithoutExtension(path);
        bool hasInclude = StrictYaml.Entry(root, "include") is not null;
        if (hasInclude && StrictYaml.Entry(root, "configurations") is not null)
            throw Error(where, root, "a sweep file has either 'configurations' (one axis) or 'include' (several axis files), not both");
        if (!hasInclude)
        {
            var axis = ReadAxis(path, root, baseOverride: null);
            return new SweepDefinition(name, axis.Title, path, [axis]);
        }
        var suite = StrictYaml.Bind<SuiteKeys>(root, where);
        string? baseOverride = suite.Base is { } suiteBase ? ResolveBase(path, root, suiteBase) : null;
        var axes = new List<SweepAxis>();
        var firstLine = new Dictionary<string, long>();
        var items = RequiredList(where, root, "include");
        for (int i = 0; i < items.Count; i++)
        {
            string included = LocateErrors(where, items[i], "include", () => PresetLoader.Resolve(suite.Include![i], Path.GetDirectoryName(path), SearchDirectories));
            var includedRoot = StrictYaml.ReadMapping(included);
            if (StrictYaml.Entry(includedRoot, "include") is not null)
                throw Error(where, items[i], $"'{included}' includes other files itself; list axis files only");
            var axis = ReadAxis(included, includedRoot, baseOverride);
            if (firstLine.TryGetValue(axis.Name, out long line))
                throw Error(where, items[i], $"duplicate axis name '{axis.Name}' (first included at line {line})");
            firstLine[axis.Name] = items[i].Start.Line;
            axes.Add(axis);
        }
        return new SweepDefinition(name, suite.Title ?? name, path, axes);
    }

    private static SweepAxis ReadAxis(string path, YamlMappingNode root, string? baseOverride)
    {
        var where = Locate(path);
        var keys = StrictYaml.Bind<AxisKeys>(root, where);
        string name = keys.Axis is { } axisName ? Safe(where, ValueNode(root, "axis"), "axis", axisName) : Path.GetFileNameWithoutExtension(path);
        if (keys.Base is null) throw Error(where, root, "missing key 'base' (the preset every configuration overrides)");
        string basePath = baseOverride ?? ResolveBase(path, root, keys.Base);
        ErrorMetric metric = keys.Metric is { } metricName ? LocateErrors(where, ValueNode(root, "metric"), "metric", () => ErrorMetric.Parse(metricName)) : ErrorMetric.OneMinusCosine;

        var configurations = new List<SweepConfiguration>();
        var seen = new Dictionary<string, long>();
        var items = RequiredList(where, root, "configurations");
        for (int i = 0; i < items.Count; i++)
        {
            var configuration = ReadConfiguration(where, (YamlMappingNode)items[i], keys.Configurations![i], basePath);
            if (seen.TryGetValue(configuration.Name, out long line))
                throw Error(where, items[i], $"duplicate configuration name '{configuration.Name}' (first at line {line})");
            seen[configuration.Name] = items[i].Start.Line;
            configurations.Add(configuration);
        }
        // Resolving every configuration now reports a bad override before anything trains.
        var resolved = configurations.Select(c => c.ForSeed(0)).ToList();
        var evaluation = resolved[0].Evaluation;
        var shape = resolved[0].Task;
        // The evaluation contexts are drawn with the task's d, N and σ: the same for every configuration of an axis.
        for (int i = 1; i < resolved.Count; i++)
            if ((resolved[i].Task.D, resolved[i].Task.N, resolved[i].Task.NoiseScale) != (shape.D, shape.N, shape.NoiseScale))
                throw new InvalidDataException($"{configurations[i].Source}: task.d, task.n and task.noise_scale must be the same for every configuration of an axis (they shape the shared evaluation contexts)");
        int prefixes = shape.N - 1;

        var kNode = OptionalList(where, root, "k");
        var ks = keys.K ?? [.. ErrorReport.TableKs(prefixes + 1)];
        foreach (int k in ks)
            if (k < 1 || k > prefixes) throw Error(where, kNode!, $"k: {k} is outside 1..{prefixes} (N - 1 of the configurations)");
        if (ks.Distinct().Count() != ks.Count) throw Error(where, kNode!, "k: values repeat");

        var tasksNode = OptionalList(where, root, "tasks");
        var tasks = keys.Tasks ?? [.. AlignmentTasks.Names];
        foreach (string task in tasks)
            if (!AlignmentTasks.Names.Contains(task))
                throw Error(where, tasksNode!, $"tasks: unknown task '{task}' (expected some of: {string.Join(", ", AlignmentTasks.Names)})");
        if (tasks.Distinct().Count() != tasks.Count) throw Error(where, tasksNode!, "tasks: a task is listed twice");

        var noiseNode = OptionalList(where, root, "noise_levels");
        var noiseLevels = keys.NoiseLevels ?? [0.0];
        foreach (double p in noiseLevels)
            if (!(p >= 0 && p <= 1)) throw Error(where, noiseNode!, $"noise_levels: {p} is outside [0, 1]");
        if (noiseLevels.Distinct().Count() != noiseLevels.Count) throw Error(where, noiseNode!, "noise_levels: values repeat");

        var claims = new List<SweepClaim>();
        var claimNodes = OptionalList(where, root, "claims")?.Children ?? [];
        for (int i = 0; i < claimNodes.Count; i++)
        {
            var match = ClaimPattern.Match(keys.Claims![i]);
            if (!match.Success) throw Error(where, claimNodes[i], "claims: expected 'A < B' (A reaches a lower error than B), with configuration names");
            var claim = new SweepClaim(match.Groups[1].Value, match.Groups[2].Value);
            foreach (string side in new[] { claim.Lower, claim.Higher })
                if (!seen.ContainsKey(side)) throw Error(where, claimNodes[i], $"claims: '{side}' is not a configuration of this axis");
            if (claim.Lower == claim.Higher) throw Error(where, claimNodes[i], "claims: compares a configuration with itself");
            claims.Add(claim);
        }
        return new SweepAxis(name, keys.Title ?? name, path, basePath, metric, ks, tasks, noiseLevels, claims, keys.Note, configurations, evaluation, shape,
            [.. resolved.Select(c => c.Task.Name).Distinct()]);
    }

    private static SweepConfiguration ReadConfiguration(StrictYaml.Locator where, YamlMappingNode item, ConfigurationKeys keys, string basePath)
    {
        if (keys.Name is null) throw Error(where, item, "configurations: an entry has no 'name'");
        string name = Safe(where, ValueNode(item, "name"), "name", keys.Name);
        var overrides = new List<PresetOverride>();
        foreach (var (keyNode, valueNode) in keys.Set?.Children.ToList() ?? [])
        {
            string key = keyNode is YamlScalarNode { Value: { Length: > 0 } k } ? k : throw Error(where, keyNode, $"configuration '{name}': 'set' keys are dotted preset keys such as model.layers");
            // Evaluation settings and the seed are the sweep's: every configuration sees the same contexts and seeds.
            if (key == "evaluation" || key.StartsWith("evaluation.", StringComparison.Ordinal))
                throw Error(where, keyNode, $"configuration '{name}': '{key}' is sweep-wide (set it in the base preset) so every configuration sees the same contexts");
            if (key == "training.seed")
                throw Error(where, keyNode, $"configuration '{name}': training.seed is set per run, from the number of seeds the sweep runs");
            overrides.Add(new PresetOverride(key, valueNode, $"{where(keyNode)}: configuration '{name}'"));
        }
        return new SweepConfiguration(name, overrides, basePath, $"{where(item)}: configuration '{name}'");
    }

    /// <summary>A value in YAML flow style, for reports.</summary>
    public static string Format(YamlNode value) => value switch
    {
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" } => "null",
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode list => "[" + string.Join(", ", list.Children.Select(Format)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Children.Select(e => $"{Format(e.Key)}: {Format(e.Value)}")) + "}",
        _ => value.ToString(),
    };

    /// <summary>Names errors by the file's name and the node's line.</summary>
    private static StrictYaml.Locator Locate(string path) => node => $"{Path.GetFileName(path)}:{node.Start.Line}";

    private static string ResolveBase(string path, YamlMappingNode root, string name) =>
        LocateErrors(Locate(path), ValueNode(root, "base"), "base", () => PresetLoader.Resolve(name, Path.GetDirectoryName(path)));

    /// <summary>Runs <paramref name="resolve"/>; a name it cannot resolve becomes an error at the node that wrote it.</summary>
    private static T LocateErrors<T>(StrictYaml.Locator where, YamlNode node, string key, Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            throw Error(where, node, $"{key}: {e.Message}");
        }
    }

    private static YamlNode ValueNode(YamlMappingNode mapping, string key) => StrictYaml.Entry(mapping, key)!.Value.Value;

    /// <summary>The nodes of a list the binding has checked; it must be there and hold at least one entry.</summary>
    private static IList<YamlNode> RequiredList(StrictYaml.Locator where, YamlMappingNode mapping, string key) =>
        OptionalList(where, mapping, key)?.Children ?? throw Error(where, mapping, $"missing key '{key}'");

    /// <summary>The list under <paramref name="key"/>, or null when the key is absent; a list that is there holds at least one entry.</summary>
    private static YamlSequenceNode? OptionalList(StrictYaml.Locator where, YamlMappingNode mapping, string key)
    {
        if (StrictYaml.Entry(mapping, key) is not { } entry) return null;
        if (entry.Value is not YamlSequenceNode { Children.Count: > 0 } list)
            throw Error(where, entry.Value, $"'{key}' is an empty list; list at least one entry");
        return list;
    }

    private static string Safe(StrictYaml.Locator where, YamlNode node, string key, string value) =>
        SafeName.IsMatch(value) ? value : throw Error(where, node, $"{key} '{value}' must use letters, digits, '.', '_' and '-' only (it names a directory)");

    private static InvalidDataException Error(StrictYaml.Locator where, YamlNode node, string message) => new($"{where(node)}: {message}");
}
