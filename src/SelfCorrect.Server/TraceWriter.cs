using System.Text.Json;
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

    /// <summary>
    /// The property writer for <see cref="CompletionJson"/>: it writes the <c>self_correction</c> property, or nothing at
    /// <see cref="TraceDetail.None"/>.
    /// </summary>
    /// <param name="answer">The answer sent to the client (the one stage of a strategy without a trace).</param>
    /// <param name="finish">The answer's finish reason (the one stage's, without a trace).</param>
    /// <param name="usage">Usage of the whole request.</param>
    /// <param name="latency">Wall time of the whole request.</param>
    public Action<Utf8JsonWriter>? Property(string answer, ChatFinishReason? finish, UsageDetails? usage, TimeSpan latency) =>
        detail == TraceDetail.None ? null : writer => Write(writer, answer, finish, usage, latency);

    private void Write(Utf8JsonWriter writer, string answer, ChatFinishReason? finish, UsageDetails? usage, TimeSpan latency)
    {
        writer.WriteStartObject("self_correction");
        writer.WriteString("strategy", strategy);
        writer.WriteNumber("rounds", _trace?.Critiques.Count() ?? 0);
        writer.WriteBoolean("exited_early", _trace?.ExitedEarly ?? false);
        writer.WriteBoolean("prefill_applied", _trace?.PrefillApplied ?? false);
        writer.WriteNumber("latency_ms", Math.Round(latency.TotalMilliseconds, 3));
        writer.WriteStartArray("stages");
        if (_trace is { } trace)
        {
            foreach (var stage in trace.Stages)
                WriteStage(writer, stage.Kind.ToString().ToLowerInvariant(), stage.Round, stage.FinishReason, stage.Usage, stage.Latency, stage.Text, stage.Verdict?.ToString());
        }
        else
        {
            WriteStage(writer, "answer", 0, finish, usage, latency, answer, verdict: null);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private void WriteStage(Utf8JsonWriter writer, string kind, int round, ChatFinishReason? finish, UsageDetails? usage, TimeSpan latency, string text, string? verdict)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", kind);
        writer.WriteNumber("round", round);
        if (finish is { } reason) writer.WriteString("finish_reason", reason.Value);
        else writer.WriteNull("finish_reason");
        CompletionJson.WriteUsage(writer, usage);
        writer.WriteNumber("latency_ms", Math.Round(latency.TotalMilliseconds, 3));
        if (verdict is not null) writer.WriteString("verdict", verdict);
        if (detail == TraceDetail.Full) writer.WriteString("text", text);
        writer.WriteEndObject();
    }
}
