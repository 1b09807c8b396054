using System.Text.Json;
using System.Text.Json.Nodes;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>How much of the planned work a metrics file covers; the report flags incomplete runs.</summary>
internal sealed record Coverage(int Expected, int Recorded)
{
    public bool Complete => Recorded >= Expected;

    /// <summary>The metrics as JSON with a <c>coverage</c> object in front.</summary>
    public JsonObject Wrap<T>(T metrics)
    {
        var body = JsonSerializer.SerializeToNode(metrics, EvaluationJson.Metrics)!.AsObject();
        var result = new JsonObject
        {
            ["benchmark"] = body["benchmark"]?.DeepClone(),
            ["coverage"] = new JsonObject { ["expected"] = Expected, ["recorded"] = Recorded, ["complete"] = Complete },
        };
        foreach (var (key, value) in body)
            if (key != "benchmark") result[key] = value?.DeepClone();
        return result;
    }
}
