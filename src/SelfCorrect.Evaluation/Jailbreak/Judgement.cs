using System.Text.Json.Serialization;
using SelfCorrect.Evaluation.Data;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>One LLM-judge verdict on one stage of one response; kept in <c>judgements.jsonl</c> so judging resumes too.</summary>
internal sealed class Judgement
{
    [JsonPropertyName("defense")] public required string Defense { get; init; }
    [JsonPropertyName("index")] public required int Index { get; init; }
    [JsonPropertyName("attack")] public string? Attack { get; init; }
    [JsonPropertyName("stage")] public required string Stage { get; init; }
    [JsonPropertyName("jailbroken")] public bool? Jailbroken { get; init; }
    [JsonPropertyName("reply")] public required string Reply { get; init; }

    [JsonIgnore] public string Key => KeyOf(Defense, Index, Attack, Stage);

    public static string KeyOf(string defense, int index, string? attack, string stage) =>
        $"{defense}/{SampleKeyFormat.JailbreakKey(index, attack)}/{stage}";

    public static readonly KeyedLineParser<Judgement> Parser = line =>
    {
        var judgement = JsonLinesFile.Deserialize<Judgement>(line, ResponseRecord.JsonOptions);
        return (judgement, judgement.Key);
    };
}
