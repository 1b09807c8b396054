using SelfCorrect.Evaluation.Runner;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>A finished (or interrupted) run: its directory, what this attempt did, and the metrics of all records so far.</summary>
public sealed record BbqRunResult(string Directory, int Selected, int AlreadyDone, RunOutcome Outcome, BbqMetrics Metrics, string? DiscardedTornLine)
{
    /// <summary>Samples recorded in the directory: by earlier attempts and by this one.</summary>
    public int Recorded => AlreadyDone + Outcome.Completed;
}
