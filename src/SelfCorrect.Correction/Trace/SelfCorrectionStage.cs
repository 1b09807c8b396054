using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>One call to the inner client: what was sent, what came back, what it cost (JSON schema: docs/correction.md).</summary>
/// <param name="Kind">The stage (<c>kind</c>).</param>
/// <param name="Round">0 for initial answers, 1..Rounds for critiques and re-asked answers (<c>round</c>).</param>
/// <param name="Messages">The full message list sent to the inner client, a copy; the prefill, if any, is its last message (<c>messages</c>: role and text).</param>
/// <param name="Text">The answer's text, with the prefill in front when one was applied (<c>text</c>).</param>
/// <param name="Usage">Token usage the inner client reported, if any (<c>usage</c>: input, cached_input, output, total).</param>
/// <param name="Latency">Wall time of the call (<c>latency_ms</c>).</param>
/// <param name="Verdict">The verdict parser's reading of a critique; null for answers or without a parser (<c>verdict</c>).</param>
/// <param name="Candidate">In-context ranking: the candidate (1 to K) an answer or score belongs to; null otherwise (<c>candidate</c>).</param>
/// <param name="Score">In-context ranking: the self-score read from a critique; null when none could be read or not ranking (<c>score</c>).</param>
public sealed record SelfCorrectionStage(
    [property: JsonPropertyName("kind")] StageKind Kind,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("messages"), JsonConverter(typeof(TraceMessagesJsonConverter)), JsonPropertyOrder(1)] IReadOnlyList<ChatMessage> Messages,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("usage"), JsonConverter(typeof(TraceUsageJsonConverter))] UsageDetails? Usage,
    [property: JsonPropertyName("latency_ms"), JsonConverter(typeof(MillisecondsJsonConverter))] TimeSpan Latency,
    [property: JsonPropertyName("verdict")] CritiqueVerdict? Verdict = null,
    [property: JsonPropertyName("candidate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Candidate = null,
    [property: JsonPropertyName("score"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Score = null);
