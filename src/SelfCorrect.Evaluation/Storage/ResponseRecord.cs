using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// One line of a responses file: the sample key (BBQ: <c>category</c> + <c>example_id</c>; AdvBench: <c>index</c>,
/// and <c>attack</c> when several attacks share a file), the texts of each stage (absent stages omitted; one round
/// as <c>critique</c>/<c>final</c>, several as <c>critiques</c>/<c>finals</c>), and per-call usage and latency.
/// The same format is written by runs and read when rescoring outputs produced elsewhere.
/// </summary>
public sealed class ResponseRecord
{
    [JsonPropertyName("category")] public string? Category { get; init; }
    [JsonPropertyName("example_id")] public int? ExampleId { get; init; }
    [JsonPropertyName("index")] public int? Index { get; init; }
    [JsonPropertyName("attack")] public string? Attack { get; init; }
    [JsonPropertyName("initial")] public string? Initial { get; init; }
    [JsonPropertyName("reasoning")] public string? Reasoning { get; init; }
    [JsonPropertyName("critique")] public string? Critique { get; init; }
    [JsonPropertyName("final")] public string? Final { get; init; }
    [JsonPropertyName("critiques")] public IReadOnlyList<string>? Critiques { get; init; }
    [JsonPropertyName("finals")] public IReadOnlyList<string>? Finals { get; init; }
    [JsonPropertyName("stages")] public IReadOnlyList<StageUsage>? Stages { get; init; }

    /// <summary>The critique of each round, whichever of the two spellings the file used.</summary>
    [JsonIgnore] public IReadOnlyList<string> CritiqueRounds => Critiques ?? (Critique is null ? [] : [Critique]);

    /// <summary>The final answer of each round, whichever of the two spellings the file used.</summary>
    [JsonIgnore] public IReadOnlyList<string> FinalRounds => Finals ?? (Final is null ? [] : [Final]);

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A record of the given key with texts spelled per round count (one round: singular fields).</summary>
    public static ResponseRecord Create(ResponseRecord key, string initial, string? reasoning,
        IReadOnlyList<string> critiques, IReadOnlyList<string> finals, IReadOnlyList<StageUsage> stages) => new()
    {
        Category = key.Category,
        ExampleId = key.ExampleId,
        Index = key.Index,
        Attack = key.Attack,
        Initial = initial,
        Reasoning = reasoning,
        Critique = critiques.Count == 1 && finals.Count <= 1 ? critiques[0] : null,
        Final = finals.Count == 1 && critiques.Count <= 1 ? finals[0] : null,
        Critiques = critiques.Count > 1 || finals.Count > 1 ? critiques : null,
        Finals = finals.Count > 1 || critiques.Count > 1 ? finals : null,
        Stages = stages,
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonOptions);
}
