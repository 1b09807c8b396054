using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Which call of a Checking-as-Context run a stage is.</summary>
public enum StageKind
{
    /// <summary>The first answer to the caller's messages.</summary>
    Initial,
    /// <summary>The model's review of its latest answer, after the check prompt.</summary>
    Critique,
    /// <summary>The answer after a re-ask, with the earlier answers and critiques in context.</summary>
    Final,
}

/// <summary>One call to the inner client: what was sent, what came back, what it cost.</summary>
/// <param name="Kind">The stage.</param>
/// <param name="Round">0 for the initial answer, 1..Rounds for critiques and re-asked answers.</param>
/// <param name="Messages">The full message list sent to the inner client (a copy; the prefill, if any, is its last message).</param>
/// <param name="Text">The answer's text (with the prefill in front when one was applied).</param>
/// <param name="Usage">Token usage the inner client reported, if any.</param>
/// <param name="Latency">Wall time of the call.</param>
/// <param name="Verdict">The verdict parser's reading of a critique; null for answers or without a parser.</param>
public sealed record SelfCorrectionStage(
    StageKind Kind,
    int Round,
    IReadOnlyList<ChatMessage> Messages,
    string Text,
    UsageDetails? Usage,
    TimeSpan Latency,
    CritiqueVerdict? Verdict = null);
