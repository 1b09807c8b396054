namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// A finished (or interrupted) defence run: its directory, what this attempt did (generating responses, then judging
/// them), and the metrics of all records so far.
/// </summary>
/// <typeparam name="TMetrics">The benchmark's metrics (jailbreak or over-refusal).</typeparam>
/// <param name="Directory">The run directory.</param>
/// <param name="Planned">Responses the run (or this process's shard of it) asks for, over every defence.</param>
/// <param name="AlreadyDone">Responses recorded by earlier attempts.</param>
/// <param name="Recorded">Responses in the directory (of this shard), over every defence: by earlier attempts and by this one.</param>
/// <param name="Generation">What this attempt's generation did.</param>
/// <param name="Judging">What this attempt's LLM judge did; null without an LLM judge.</param>
/// <param name="Metrics">The metrics of every record in the directory, as written to metrics.json.</param>
/// <param name="DiscardedTornLines">Torn last lines of interrupted attempts, set aside in .torn files.</param>
public sealed record DefenseRunResult<TMetrics>(string Directory, int Planned, int AlreadyDone, int Recorded, RunOutcome Generation,
    RunOutcome? Judging, TMetrics Metrics, IReadOnlyList<string> DiscardedTornLines)
{
    /// <summary>Each shard's progress when the run is sharded (null otherwise).</summary>
    public IReadOnlyList<Storage.ShardProgress>? Shards { get; init; }

    /// <summary>The attempt as a whole: the failures and interruption of generation and judging together.</summary>
    public RunOutcome Outcome => Judging is { } judging
        ? Generation with { Failed = Generation.Failed + judging.Failed, Interrupted = Generation.Interrupted || judging.Interrupted }
        : Generation;
}
