using System.Text.Json;
using System.Text.Json.Nodes;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Overrefusal;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>A run or rescoring directory as the report reads it: metrics.json, and settings.json / scoring.json where present.</summary>
internal sealed record ReportedRun(string Directory, string Label, JsonObject Metrics, JsonObject? Settings, JsonObject? Scoring,
    BbqMetrics? Bbq, JailbreakMetrics? Jailbreak, OverrefusalMetrics? Overrefusal)
{
    /// <summary>The model spec the run recorded; null for outputs rescored without a run.</summary>
    public string? ModelSpec => (string?)Settings?["model"]?["spec"];

    public bool Complete => Metrics["coverage"]?["complete"]?.GetValue<bool>() ?? true;
    public string Coverage => $"{Metrics["coverage"]?["recorded"]}/{Metrics["coverage"]?["expected"]}";

    /// <summary>For a sharded run, which shards are missing or unfinished, e.g. "shard(s) missing: 1/2"; null when none is (or the run is not sharded).</summary>
    public string? ShardGaps
    {
        get
        {
            if (Metrics["coverage"]?["shards"] is not JsonObject shards) return null;
            int count = shards["count"]?.GetValue<int>() ?? 0;
            var parts = new List<string>();
            foreach (var (key, label) in new[] { ("missing", "missing"), ("incomplete", "unfinished") })
                if (shards[key] is JsonArray { Count: > 0 } indices)
                    parts.Add($"shard(s) {label}: {string.Join(", ", indices.Select(i => $"{i}/{count}"))}");
            return parts.Count == 0 ? null : string.Join("; ", parts);
        }
    }

    public static ReportedRun Load(string directory, string label)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"report: run directory '{directory}' not found");
        string metricsPath = Path.Combine(directory, EvaluationDirectory.MetricsFile);
        if (!File.Exists(metricsPath)) throw new FileNotFoundException($"report: '{directory}' has no {EvaluationDirectory.MetricsFile} (run or score it first)");
        var metrics = ReadObject(metricsPath)!;
        var settings = ReadObject(Path.Combine(directory, EvaluationDirectory.SettingsFile));
        var scoring = ReadObject(Path.Combine(directory, EvaluationDirectory.ScoringFile));
        try
        {
            return (string?)metrics["benchmark"] switch
            {
                "bbq" => new ReportedRun(directory, label, metrics, settings, scoring, metrics.Deserialize<BbqMetrics>(EvaluationJson.Metrics), null, null),
                "jailbreak" => new ReportedRun(directory, label, metrics, settings, scoring, null, metrics.Deserialize<JailbreakMetrics>(EvaluationJson.Metrics), null),
                "overrefusal" => new ReportedRun(directory, label, metrics, settings, scoring, null, null, metrics.Deserialize<OverrefusalMetrics>(EvaluationJson.Metrics)),
                var other => throw new InvalidDataException($"{metricsPath}:1: unknown benchmark '{other}'"),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{metricsPath}:{(e.LineNumber ?? 0) + 1}: not a metrics file of this version ({e.Message.Split('\n')[0]})");
        }
    }

    private static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}:1: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: malformed JSON ({e.Message.Split('\n')[0]})");
        }
    }
}
