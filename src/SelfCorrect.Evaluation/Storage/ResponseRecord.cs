using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// One line of a responses file: the sample key (BBQ: <c>category</c> + <c>example_id</c>; AdvBench: <c>index</c>,
/// and <c>attack</c> when several attacks share a file; XSTest: <c>id</c>), the texts of each stage (absent stages omitted; one round
/// as <c>critique</c>/<c>final</c>, several as <c>critiques</c>/<c>finals</c>), and per-call usage and latency.
/// The same format is written by runs and read when rescoring outputs produced elsewhere.
/// </summary>
public sealed class ResponseRecord
{
    /// <summary>BBQ: the example's category.</summary>
    [JsonPropertyName("category")] public string? Category { get; init; }
    /// <summary>BBQ: the example's <c>example_id</c> (unique within its category).</summary>
    [JsonPropertyName("example_id")] public int? ExampleId { get; init; }
    /// <summary>AdvBench: the 0-based row of the behaviour.</summary>
    [JsonPropertyName("index")] public int? Index { get; init; }
    /// <summary>AdvBench: the attack's name; may be absent when a file holds one attack.</summary>
    [JsonPropertyName("attack")] public string? Attack { get; init; }
    /// <summary>The XSTest <c>id</c>, kept as text; a number is read as its digits.</summary>
    [JsonPropertyName("id"), JsonConverter(typeof(TextOrNumber))] public string? Id { get; init; }
    /// <summary>The first answer.</summary>
    [JsonPropertyName("initial")] public string? Initial { get; init; }
    /// <summary>Chain-of-thought: the reasoning before the answer.</summary>
    [JsonPropertyName("reasoning")] public string? Reasoning { get; init; }
    /// <summary>The critique of a one-round run.</summary>
    [JsonPropertyName("critique")] public string? Critique { get; init; }
    /// <summary>The final answer of a one-round run.</summary>
    [JsonPropertyName("final")] public string? Final { get; init; }
    /// <summary>The critique of each round of a run of several rounds.</summary>
    [JsonPropertyName("critiques")] public IReadOnlyList<string>? Critiques { get; init; }
    /// <summary>The final answer of each round of a run of several rounds.</summary>
    [JsonPropertyName("finals")] public IReadOnlyList<string>? Finals { get; init; }
    /// <summary>Usage, latency and finish reason of every model call, in order.</summary>
    [JsonPropertyName("stages")] public IReadOnlyList<StageUsage>? Stages { get; init; }

    /// <summary>The critique of each round, whichever of the two spellings the file used.</summary>
    [JsonIgnore] public IReadOnlyList<string> CritiqueRounds => Critiques ?? (Critique is null ? [] : [Critique]);

    /// <summary>The final answer of each round, whichever of the two spellings the file used.</summary>
    [JsonIgnore] public IReadOnlyList<string> FinalRounds => Finals ?? (Final is null ? [] : [Final]);

    /// <summary>The answers the metrics judge: the initial one and the final one of each round, with their finish reasons.</summary>
    public IReadOnlyList<AnswerStage> Answers() =>
    [
        new(AnswerStage.Initial, Initial!, FinishReasonOf(AnswerStage.Initial, 0)),
        .. FinalRounds.Select((text, i) => new AnswerStage(AnswerStage.Final(i + 1), text, FinishReasonOf("final", i + 1))),
    ];

    private string? FinishReasonOf(string stage, int round) => Stages?.FirstOrDefault(s => s.Stage == stage && s.Round == round)?.FinishReason;

    /// <summary>How records are written: snake_case names as declared, null fields omitted, text not escaped beyond JSON's needs.</summary>
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
        Id = key.Id,
        Initial = initial,
        Reasoning = reasoning,
        Critique = critiques.Count == 1 && finals.Count <= 1 ? critiques[0] : null,
        Final = finals.Count == 1 && critiques.Count <= 1 ? finals[0] : null,
        Critiques = critiques.Count > 1 || finals.Count > 1 ? critiques : null,
        Finals = finals.Count > 1 || critiques.Count > 1 ? finals : null,
        Stages = stages,
    };

    /// <summary>The record as one line of a responses file.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a string, or a number as written (records produced elsewhere may give <c>"id": 7</c>).</summary>
    private sealed class TextOrNumber : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            _ => throw new JsonException($"expected a string or a number, found {reader.TokenType}"),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
