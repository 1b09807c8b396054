using SelfCorrect.Evaluation.Runner;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>
/// A finished (or interrupted) run: its directory, what this attempt did (generating responses, then judging them),
/// and the metrics of all records so far.
/// </summary>
public sealed record JailbreakRunResult(string Directory, int Planned, int AlreadyDone, RunOutcome Generation, RunOutcome? Judging,
    JailbreakMetrics Metrics, IReadOnlyList<string> DiscardedTornLines)
{
    /// <summary>The attempt as a whole: the failures and interruption of generation and judging together.</summary>
    public RunOutcome Outcome => Judging is { } judging
        ? Generation with { Failed = Generation.Failed + judging.Failed, Interrupted = Generation.Interrupted || judging.Interrupted }
        : Generation;

    /// <summary>Responses recorded in the directory, over every defence.</summary>
    public int Recorded => Metrics.Defenses.Sum(d => d.Responses);
}
