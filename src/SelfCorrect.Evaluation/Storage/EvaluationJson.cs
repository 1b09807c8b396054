using System.Text.Json;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>How the JSON files of a run directory are written.</summary>
internal static class EvaluationJson
{
    /// <summary>settings.json and scoring.json: indented, with non-ASCII text kept readable.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serialisation of metrics: snake_case names, nulls kept (an absent number is shown as undefined, not dropped).</summary>
    public static readonly JsonSerializerOptions Metrics = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
