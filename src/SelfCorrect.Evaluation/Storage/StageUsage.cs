using System.Text.Json.Serialization;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>Token usage, latency and finish reason of one model call of a sample.</summary>
public sealed class StageUsage
{
    /// <summary><c>initial</c>, <c>critique</c>, <c>final</c>, or <c>reasoning</c> (chain-of-thought style).</summary>
    [JsonPropertyName("stage")] public required string Stage { get; init; }
    /// <summary>0 for the initial answer, 1.. for the rounds of checking.</summary>
    [JsonPropertyName("round")] public int Round { get; init; }
    /// <summary>Prompt tokens the backend reported; null when it reports none.</summary>
    [JsonPropertyName("input_tokens")] public long? InputTokens { get; init; }
    /// <summary>Generated tokens the backend reported; null when it reports none.</summary>
    [JsonPropertyName("output_tokens")] public long? OutputTokens { get; init; }
    /// <summary>Wall-clock time of the call in milliseconds.</summary>
    [JsonPropertyName("latency_ms")] public double LatencyMs { get; init; }
    /// <summary>
    /// Why the call stopped, as the backend reported it (<c>stop</c>: end of sequence or a stop string within the
    /// token limit; <c>length</c>: the limit); absent when unknown, as in records written before it was kept.
    /// </summary>
    [JsonPropertyName("finish_reason")] public string? FinishReason { get; init; }
}
