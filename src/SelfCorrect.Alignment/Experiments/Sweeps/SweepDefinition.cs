using System.Globalization;
using System.Text.RegularExpressions;
using SelfCorrect.Alignment.Tasks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>One configuration of an axis: a name and the preset overrides (dotted key → value) that make it.</summary>
public sealed record SweepConfiguration(string Name, IReadOnlyList<KeyValuePair<string, object?>> Overrides, string BasePath, string Source)
{
    /// <summary>The configuration's experiment with <c>training.seed</c> set to <paramref name="seed"/>.</summary>
    public ExperimentConfig ForSeed(long seed) =>
        PresetLoader.Load(BasePath, [.. Overrides, new("training.seed", seed.ToString(CultureInfo.InvariantCulture))], Source);

    /// <summary>The overrides as written, e.g. "model.layers=4, model.width=64" (empty for the base preset itself).</summary>
    public string Describe() => string.Join(", ", Overrides.Select(o => $"{o.Key}={SweepFile.Format(o.Value)}"));
}

/// <summary>"A &lt; B": configuration A is claimed to reach a lower error than configuration B.</summary>
public sealed record SweepClaim(string Lower, string Higher)
{
    public override string ToString() => $"{Lower} < {Higher}";
}

/// <summary>
/// One ablation axis: configurations that differ in one component, trained with several seeds and evaluated on the
/// same fresh contexts of every task in <see cref="Tasks"/> at every evaluation reward-noise level.
/// </summary>
public sealed record SweepAxis(
    string Name,
    string Title,
    string SourcePath,
    string BasePath,
    ErrorMetric Metric,
    IReadOnlyList<int> Ks,
    IReadOnlyList<string> Tasks,
    IReadOnlyList<double> NoiseLevels,
    IReadOnlyList<SweepClaim> Claims,
    string? Note,
    IReadOnlyList<SweepConfiguration> Configurations,
    EvaluationSettings Evaluation,
    TaskSettings ContextShape)
{
    /// <summary>The k at which claims are judged and configurations ranked: the last listed.</summary>
    public int DecisionK => Ks[^1];

    /// <summary>Predictions per context: after k = 1..N-1 triplets.</summary>
    public int PrefixCount => ContextShape.N - 1;
}

/// <summary>A sweep: one axis (a file with <c>configurations</c>) or several (a file with <c>include</c>).</summary>
public sealed record SweepDefinition(string Name, string Title, string SourcePath, IReadOnlyList<SweepAxis> Axes);

/// <summary>
/// Reads sweep files (experiments/sweeps/*.yaml). An axis file names a base preset and lists configurations as
/// overrides of it; a suite file includes axis files. Every error is one line naming the file, the line and the key.
/// </summary>
public static class SweepFile
{
    private static readonly string[] AxisKeys = ["axis", "title", "base", "metric", "k", "tasks", "noise_levels", "claims", "note", "configurations"];
    private static readonly string[] SuiteKeys = ["title", "include"];
    private static readonly string[] ConfigurationKeys = ["name", "set"];
    private static readonly Regex SafeName = new("^[A-Za-z0-9][A-Za-z0-9._-]*$");
    private static readonly Regex ClaimPattern = new(@"^\s*(\S+)\s*<\s*(\S+)\s*$");

    /// <summary>Directories searched for a sweep given by name: ./experiments/sweeps, then the one shipped beside the program.</summary>
    public static IReadOnlyList<string> SearchDirectories => [.. PresetLoader.SearchDirectories.Select(d => Path.Combine(d, "sweeps"))];

    public static SweepDefinition Load(string nameOrPath)
    {
        string path = PresetLoader.Resolve(nameOrPath, searchDirectories: SearchDirectories);
        var root = ReadRoot(path);
        string name = Path.GetFileNameWithoutExtension(path);
        bool hasInclude = Find(root, "include") is not null, hasConfigurations = Find(root, "configurations") is not null;
        if (hasInclude && hasConfigurations)
            throw Error(path, root, "a sweep file has either 'configurations' (one axis) or 'include' (several axis files), not both");
        if (!hasInclude)
        {
            var axis = ReadAxis(path, root);
            return new SweepDefinition(name, axis.Title, path, [axis]);
        }
        CheckKeys(path, root, SuiteKeys, "");
        var axes = new List<SweepAxis>();
        var firstLine = new Dictionary<string, long>();
        foreach (var item in Sequence(path, root, "include", required: true))
        {
            string included = PresetLoader.Resolve(Scalar(path, item, "include"), Path.GetDirectoryName(path), SearchDirectories);
            var includedRoot = ReadRoot(included);
            if (Find(includedRoot, "include") is not null)
                throw Error(path, item, $"'{included}' includes other files itself; list axis files only");
            var axis = ReadAxis(included, includedRoot);
            if (firstLine.TryGetValue(axis.Name, out long line))
                throw Error(path, item, $"duplicate axis name '{axis.Name}' (first included at line {line})");
            firstLine[axis.Name] = item.Start.Line;
            axes.Add(axis);
        }
        string title = Find(root, "title") is { } t ? Scalar(path, t, "title") : name;
        return new SweepDefinition(name, title, path, axes);
    }

    private static SweepAxis ReadAxis(string path, YamlMappingNode root)
    {
        CheckKeys(path, root, AxisKeys, "");
        string name = Find(root, "axis") is { } axisNode ? SafeScalar(path, axisNode, "axis") : Path.GetFileNameWithoutExtension(path);
        string title = Find(root, "title") is { } titleNode ? Scalar(path, titleNode, "title") : name;
        var baseNode = Find(root, "base") ?? throw Error(path, root, "missing key 'base' (the preset every configuration overrides)");
        string basePath = PresetLoader.Resolve(Scalar(path, baseNode, "base"), Path.GetDirectoryName(path));
        ErrorMetric metric = Find(root, "metric") is { } metricNode ? Parse(path, metricNode, "metric", ErrorMetric.Parse) : ErrorMetric.OneMinusCosine;

        var configurations = new List<SweepConfiguration>();
        var seen = new Dictionary<string, long>();
        foreach (var item in Sequence(path, root, "configurations", required: true))
        {
            var configuration = ReadConfiguration(path, item, basePath);
            if (seen.TryGetValue(configuration.Name, out long line))
                throw Error(path, item, $"duplicate configuration name '{configuration.Name}' (first at line {line})");
            seen[configuration.Name] = item.Start.Line;
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

        var kNode = Find(root, "k");
        var ks = kNode is not null
            ? Sequence(path, root, "k", required: true).Select(node => Parse(path, node, "k", text => int.Parse(text, CultureInfo.InvariantCulture))).ToList()
            : [.. ErrorReport.TableKs(prefixes + 1)];
        foreach (int k in ks)
            if (k < 1 || k > prefixes) throw Error(path, kNode!, $"k: {k} is outside 1..{prefixes} (N - 1 of the configurations)");
        if (ks.Distinct().Count() != ks.Count) throw Error(path, kNode!, "k: values repeat");

        var tasksNode = Find(root, "tasks");
        var tasks = tasksNode is not null
            ? Sequence(path, root, "tasks", required: true).Select(node => Scalar(path, node, "tasks")).ToList()
            : [.. AlignmentTasks.Names];
        foreach (string task in tasks)
            if (!AlignmentTasks.Names.Contains(task))
                throw Error(path, tasksNode!, $"tasks: unknown task '{task}' (expected some of: {string.Join(", ", AlignmentTasks.Names)})");
        if (tasks.Distinct().Count() != tasks.Count) throw Error(path, tasksNode!, "tasks: a task is listed twice");

        var noiseNode = Find(root, "noise_levels");
        var noiseLevels = noiseNode is not null
            ? Sequence(path, root, "noise_levels", required: true).Select(node => Parse(path, node, "noise_levels", text => double.Parse(text, CultureInfo.InvariantCulture))).ToList()
            : [0.0];
        foreach (double p in noiseLevels)
            if (!(p >= 0 && p <= 1)) throw Error(path, noiseNode!, $"noise_levels: {p} is outside [0, 1]");
        if (noiseLevels.Distinct().Count() != noiseLevels.Count) throw Error(path, noiseNode!, "noise_levels: values repeat");

        var claims = new List<SweepClaim>();
        if (Find(root, "claims") is not null)
            foreach (var node in Sequence(path, root, "claims", required: true))
            {
                var match = ClaimPattern.Match(Scalar(path, node, "claims"));
                if (!match.Success) throw Error(path, node, "claims: expected 'A < B' (A reaches a lower error than B), with configuration names");
                var claim = new SweepClaim(match.Groups[1].Value, match.Groups[2].Value);
                foreach (string side in new[] { claim.Lower, claim.Higher })
                    if (!seen.ContainsKey(side)) throw Error(path, node, $"claims: '{side}' is not a configuration of this axis");
                if (claim.Lower == claim.Higher) throw Error(path, node, "claims: compares a configuration with itself");
                claims.Add(claim);
            }
        string? note = Find(root, "note") is { } noteNode ? Scalar(path, noteNode, "note") : null;
        return new SweepAxis(name, title, path, basePath, metric, ks, tasks, noiseLevels, claims, note, configurations, evaluation, shape);
    }

    private static SweepConfiguration ReadConfiguration(string path, YamlNode item, string basePath)
    {
        if (item is not YamlMappingNode mapping) throw Error(path, item, "configurations: each entry must be a mapping with 'name' and 'set'");
        CheckKeys(path, mapping, ConfigurationKeys, "configurations.");
        var nameNode = Find(mapping, "name") ?? throw Error(path, item, "configurations: an entry has no 'name'");
        string name = SafeScalar(path, nameNode, "name");
        var overrides = new List<KeyValuePair<string, object?>>();
        if (Find(mapping, "set") is { } setNode)
        {
            if (setNode is not YamlMappingNode set) throw Error(path, setNode, $"configuration '{name}': 'set' must map keys such as model.layers to values");
            foreach (var (keyNode, valueNode) in set.Children)
            {
                string key = Scalar(path, keyNode, "set");
                // Evaluation settings and the seed are the sweep's: every configuration sees the same contexts and seeds.
                if (key == "evaluation" || key.StartsWith("evaluation.", StringComparison.Ordinal))
                    throw Error(path, keyNode, $"configuration '{name}': '{key}' is sweep-wide (set it in the base preset) so every configuration sees the same contexts");
                if (key == "training.seed")
                    throw Error(path, keyNode, $"configuration '{name}': training.seed comes from --seeds");
                overrides.Add(new(key, ToUntyped(valueNode)));
            }
        }
        return new SweepConfiguration(name, overrides, basePath, $"{Path.GetFileName(path)}:{item.Start.Line}: configuration '{name}'");
    }

    /// <summary>A value in YAML flow style, for reports.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        List<object?> list => "[" + string.Join(", ", list.Select(Format)) + "]",
        Dictionary<object, object?> map => "{" + string.Join(", ", map.Select(e => $"{e.Key}: {Format(e.Value)}")) + "}",
        _ => value.ToString() ?? "",
    };

    private static YamlMappingNode ReadRoot(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(File.ReadAllText(path));
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}:{e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{Path.GetFileName(path)}:1: expected a mapping of keys to values at the top level");
        return root;
    }

    /// <summary>Untyped values as <see cref="PresetLoader"/> reads them: scalars as strings, lists, mappings.</summary>
    private static object? ToUntyped(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" } => null,
        YamlScalarNode scalar => scalar.Value,
        YamlSequenceNode sequence => sequence.Children.Select(ToUntyped).ToList(),
        YamlMappingNode mapping => mapping.Children.ToDictionary(e => (object)((YamlScalarNode)e.Key).Value!, e => ToUntyped(e.Value)),
        _ => throw new InvalidDataException($"line {node.Start.Line}: unsupported YAML node"),
    };

    private static YamlNode? Find(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(e => e.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private static void CheckKeys(string path, YamlMappingNode mapping, string[] known, string prefix)
    {
        var seen = new HashSet<string>();
        foreach (var keyNode in mapping.Children.Keys)
        {
            string key = Scalar(path, keyNode, "key");
            if (!known.Contains(key))
                throw Error(path, keyNode, $"unknown key '{prefix}{key}' (known here: {string.Join(", ", known)})");
            if (!seen.Add(key)) throw Error(path, keyNode, $"key '{prefix}{key}' appears twice");
        }
    }

    private static IReadOnlyList<YamlNode> Sequence(string path, YamlMappingNode mapping, string key, bool required)
    {
        var node = Find(mapping, key);
        if (node is null) return required ? throw Error(path, mapping, $"missing key '{key}'") : [];
        if (node is not YamlSequenceNode sequence) throw Error(path, node, $"'{key}' must be a list");
        if (sequence.Children.Count == 0) throw Error(path, node, $"'{key}' is an empty list; list at least one entry");
        return [.. sequence.Children];
    }

    private static string Scalar(string path, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(path, node, $"'{key}' must be a single non-empty value");

    private static string SafeScalar(string path, YamlNode node, string key)
    {
        string value = Scalar(path, node, key);
        return SafeName.IsMatch(value) ? value : throw Error(path, node, $"{key} '{value}' must use letters, digits, '.', '_' and '-' only (it names a directory)");
    }

    private static T Parse<T>(string path, YamlNode node, string key, Func<string, T> parse)
    {
        string text = Scalar(path, node, key);
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw Error(path, node, $"{key}: cannot read '{text}' ({e.Message})");
        }
    }

    private static InvalidDataException Error(string path, YamlNode node, string message) =>
        new($"{Path.GetFileName(path)}:{node.Start.Line}: {message}");
}
