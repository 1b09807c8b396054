using System.Text.Json;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>The prompt one attack sends for one behaviour.</summary>
internal sealed record AttackedPrompt(int Index, string Attack, string Prompt);

/// <summary>
/// An attack turns AdvBench goals into adversarial prompts (docs/protocols.md §4): none; one fixed suffix for every
/// goal (<c>{goal} {suffix}</c>, e.g. a GCG transfer suffix); per-prompt GCG suffixes or AutoDAN prefixes
/// (<c>{prefix} {goal}</c>) from the reference code's attack log; or a JSONL file of ready prompts.
/// </summary>
internal sealed record JailbreakAttack(string Name, string Spec, string? File, Func<IReadOnlyList<AdvBenchBehavior>, AttackPrompts> Build)
{
    /// <summary>Parses <c>none</c>, <c>suffix</c> (needs the suffix text), <c>gcg:LOG.json</c>, <c>autodan:LOG.json</c>, <c>prompts:FILE.jsonl</c>.</summary>
    public static JailbreakAttack Parse(string spec, string? suffix)
    {
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec : spec[..colon];
        string? path = colon < 0 ? null : spec[(colon + 1)..];
        switch (kind)
        {
            case "none" when path is null:
                return new JailbreakAttack("none", spec, null, rows => AttackPrompts.All(rows, "none", goal => goal));
            case "suffix" when path is null:
                if (string.IsNullOrWhiteSpace(suffix))
                    throw new InvalidSettingException(nameof(JailbreakRunRequest.Attacks), $"the suffix attack needs {{{nameof(JailbreakRunRequest.Suffix)}}}");
                return new JailbreakAttack("suffix", spec, null, rows => AttackPrompts.All(rows, "suffix", goal => $"{goal} {suffix}"));
            case "gcg" when !string.IsNullOrEmpty(path):
                return new JailbreakAttack("gcg", spec, path, rows => FromLog(path, rows, "gcg", "suffix", (goal, s) => $"{goal} {s}"));
            case "autodan" when !string.IsNullOrEmpty(path):
                return new JailbreakAttack("autodan", spec, path, rows => FromLog(path, rows, "autodan", "prefix", (goal, p) => $"{p} {goal}"));
            case "prompts" when !string.IsNullOrEmpty(path):
                return new JailbreakAttack("prompts", spec, path, rows => FromPromptFile(path, rows));
            default:
                throw new InvalidSettingException(nameof(JailbreakRunRequest.Attacks), $"'{spec}' is not one of none, suffix, gcg:LOG.json, autodan:LOG.json, prompts:FILE.jsonl");
        }
    }

    /// <summary>
    /// The reference attack log: a JSON object keyed by row index, each entry with <c>instruction</c> and an
    /// <c>attack</c> list whose last entry holds the final <c>suffix</c> (GCG) or <c>prefix</c> (AutoDAN).
    /// </summary>
    private static AttackPrompts FromLog(string path, IReadOnlyList<AdvBenchBehavior> rows, string name, string field, Func<string, string, string> compose)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: unreadable attack log ({e.Message.Split('\n')[0].Trim()})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}:1: an attack log is a JSON object keyed by row index");
        var prompts = new List<AttackedPrompt>();
        var missing = new List<int>();
        foreach (var row in rows)
        {
            if (!root.TryGetProperty(row.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), out var entry))
            {
                missing.Add(row.Index);
                continue;
            }
            string where = $"{path}: entry \"{row.Index}\"";
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("attack", out var steps) || steps.ValueKind != JsonValueKind.Array || steps.GetArrayLength() == 0)
                throw new InvalidDataException($"{where}: missing a non-empty 'attack' list");
            var last = steps[steps.GetArrayLength() - 1];
            if (last.ValueKind != JsonValueKind.Object || !last.TryGetProperty(field, out var text) || text.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{where}: the last 'attack' entry has no '{field}' string");
            if (entry.TryGetProperty("instruction", out var instruction) && instruction.ValueKind == JsonValueKind.String
                && instruction.GetString()!.Trim() != row.Goal.Trim())
                throw new InvalidDataException($"{where}: its instruction differs from the goal of CSV row {row.Index} (line {row.Line}); is it the log of this data file?");
            prompts.Add(new AttackedPrompt(row.Index, name, compose(row.Goal, text.GetString()!)));
        }
        return new AttackPrompts(prompts, missing);
    }

    /// <summary>A JSONL file of ready prompts: <c>{"index": ROW, "prompt": TEXT}</c> per line.</summary>
    private static AttackPrompts FromPromptFile(string path, IReadOnlyList<AdvBenchBehavior> rows)
    {
        var byIndex = new Dictionary<int, AttackedPrompt>();
        var wanted = rows.Select(r => r.Index).ToHashSet();
        foreach (var line in JsonLines.Read(path))
        {
            int index = line.RequiredInt("index");
            string prompt = line.RequiredString("prompt");
            if (!wanted.Contains(index)) continue;
            if (!byIndex.TryAdd(index, new AttackedPrompt(index, "prompts", prompt))) throw line.Error($"a second prompt for row {index}");
        }
        return new AttackPrompts(rows.Where(r => byIndex.ContainsKey(r.Index)).Select(r => byIndex[r.Index]).ToList(),
            rows.Where(r => !byIndex.ContainsKey(r.Index)).Select(r => r.Index).ToList());
    }
}

/// <summary>An attack's prompts for the selected rows, and the rows it has no prompt for (counted, not run).</summary>
internal sealed record AttackPrompts(IReadOnlyList<AttackedPrompt> Prompts, IReadOnlyList<int> MissingRows)
{
    public static AttackPrompts All(IReadOnlyList<AdvBenchBehavior> rows, string name, Func<string, string> compose) =>
        new(rows.Select(r => new AttackedPrompt(r.Index, name, compose(r.Goal))).ToList(), []);
}
