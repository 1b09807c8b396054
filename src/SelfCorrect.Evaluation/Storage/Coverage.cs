using System.Text.Json;
using System.Text.Json.Nodes;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// How much of the planned work a metrics file covers, and, for a sharded run, how far each shard got; the report
/// flags incomplete runs and names missing shards.
/// </summary>
internal sealed record Coverage(int Expected, int Recorded, IReadOnlyList<ShardProgress>? Shards = null)
{
    public bool Complete => Recorded >= Expected && (Shards?.All(s => s.Recorded >= s.Expected) ?? true);

    /// <summary>The metrics as JSON with a <c>coverage</c> object in front.</summary>
    public JsonObject Wrap<T>(T metrics)
    {
        var body = JsonSerializer.SerializeToNode(metrics, EvaluationJson.Metrics)!.AsObject();
        var result = new JsonObject
        {
            ["benchmark"] = body["benchmark"]?.DeepClone(),
            ["coverage"] = new JsonObject { ["expected"] = Expected, ["recorded"] = Recorded, ["complete"] = Complete },
        };
        if (Shards is not null)
        {
            result["coverage"]!["shards"] = new JsonObject
            {
                ["count"] = Shards.Count,
                ["missing"] = new JsonArray([.. Shards.Where(s => s.Missing).Select(s => (JsonNode)s.Index)]),
                ["incomplete"] = new JsonArray([.. Shards.Where(s => s.Incomplete).Select(s => (JsonNode)s.Index)]),
                ["per_shard"] = new JsonArray([.. Shards.Select(s => (JsonNode)new JsonObject { ["index"] = s.Index, ["expected"] = s.Expected, ["recorded"] = s.Recorded })]),
            };
        }
        foreach (var (key, value) in body)
            if (key != "benchmark") result[key] = value?.DeepClone();
        return result;
    }
}
