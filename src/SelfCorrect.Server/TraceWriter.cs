using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Server;

/// <summary>
/// Turns one request's self-correction trace into the response's <c>self_correction</c> object: <c>strategy</c>,
/// <c>rounds</c> (completed), <c>exited_early</c>, <c>prefill_applied</c>, <c>latency_ms</c> and <c>stages</c>, each
/// with <c>kind</c> (initial, critique, final; <c>answer</c> for strategies without stages), <c>round</c>,
/// <c>finish_reason</c>, <c>usage</c>, <c>latency_ms</c>, <c>verdict</c> when a parser gave one, and <c>text</c> at
/// <see cref="TraceDetail.Full"/>. The only place that reads the middleware's trace type, whose stages carry their
/// finish reasons.
/// </summary>
public sealed class TraceWriter(TraceDetail detail, string strategy)
{
    private SelfCorrectionTrace? _trace;

    public void Observe(ChatResponse response) => _trace ??= response.GetSelfCorrectionTrace();

    public void Observe(ChatResponseUpdate update) => _trace ??= update.GetSelfCorrectionTrace();

    /// <summary>The <c>self_correction</c> object; null at <see cref="TraceDetail.None"/>.</summary>
    /// <param name="answer">The answer sent to the client (the one stage of a strategy without a trace).</param>
    /// <param name="finish">The answer's finish reason (the one stage's, without a trace).</param>
    /// <param name="usage">Usage of the whole request.</param>
    /// <param name="latency">Wall time of the whole request.</param>
    public JsonObject? ToJson(string answer, ChatFinishReason? finish, UsageDetails? usage, TimeSpan latency)
    {
        if (detail == TraceDetail.None) return null;
        var stages = new JsonArray();
        if (_trace is { } trace)
        {
            foreach (var stage in trace.Stages)
                stages.Add(Stage(stage.Kind.ToString().ToLowerInvariant(), stage.Round, stage.FinishReason, stage.Usage, stage.Latency, stage.Text, stage.Verdict?.ToString()));
        }
        else
        {
            stages.Add(Stage("answer", 0, finish, usage, latency, answer, verdict: null));
        }
        return new JsonObject
        {
            ["strategy"] = strategy,
            ["rounds"] = _trace?.Critiques.Count() ?? 0,
            ["exited_early"] = _trace?.ExitedEarly ?? false,
            ["prefill_applied"] = _trace?.PrefillApplied ?? false,
            ["latency_ms"] = Math.Round(latency.TotalMilliseconds, 3),
            ["stages"] = stages,
        };
    }

    private JsonObject Stage(string kind, int round, ChatFinishReason? finish, UsageDetails? usage, TimeSpan latency, string text, string? verdict)
    {
        var stage = new JsonObject
        {
            ["kind"] = kind,
            ["round"] = round,
            ["finish_reason"] = finish?.Value,
            ["usage"] = CompletionJson.Usage(usage),
            ["latency_ms"] = Math.Round(latency.TotalMilliseconds, 3),
        };
        if (verdict is not null) stage["verdict"] = verdict;
        if (detail == TraceDetail.Full) stage["text"] = text;
        return stage;
    }
}
