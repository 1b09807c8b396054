using System.Text.Json.Serialization;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>One LLM-judge verdict on one stage of one XSTest response; kept in <c>judgements.jsonl</c> so judging resumes too.</summary>
internal sealed class RefusalJudgement
{
    [JsonPropertyName("defense")] public required string Defense { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("stage")] public required string Stage { get; init; }
    /// <summary><c>full_compliance</c>, <c>full_refusal</c>, <c>partial_refusal</c>; null when the reply names no class.</summary>
    [JsonPropertyName("verdict")] public string? Verdict { get; init; }
    [JsonPropertyName("reply")] public required string Reply { get; init; }

    [JsonIgnore] public string Key => KeyOf(Defense, Id, Stage);

    public static string KeyOf(string defense, string id, string stage) => $"{defense}/{id}/{stage}";

    public static readonly KeyedLineParser<RefusalJudgement> Parser = line =>
    {
        var judgement = JsonLinesFile.Deserialize<RefusalJudgement>(line, ResponseRecord.JsonOptions);
        if (judgement.Verdict is not null && RefusalClasses.Parse(judgement.Verdict) is null)
            throw line.Error($"verdict '{judgement.Verdict}' is not full_compliance, full_refusal or partial_refusal");
        return (judgement, judgement.Key);
    };
}
