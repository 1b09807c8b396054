using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// A finished (or interrupted) run: its directory, what this attempt did, and the metrics of all records so far (of
/// every shard, for a sharded run).
/// </summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Selected">The examples this process evaluates: the whole selection, or its shard's slice.</param>
/// <param name="AlreadyDone">Examples recorded by earlier attempts.</param>
/// <param name="Outcome">What this attempt's generation did.</param>
/// <param name="Metrics">The metrics of every record in the directory, as written to metrics.json.</param>
/// <param name="DiscardedTornLine">The torn last line of an interrupted attempt, set aside in a .torn file (null if none).</param>
public sealed record BbqRunResult(string Directory, int Selected, int AlreadyDone, RunOutcome Outcome, BbqMetrics Metrics, string? DiscardedTornLine)
{
    /// <summary>Each shard's progress when the run is sharded (null otherwise).</summary>
    public IReadOnlyList<ShardProgress>? Shards { get; init; }

    /// <summary>Samples recorded in the directory: by earlier attempts and by this one.</summary>
    public int Recorded => AlreadyDone + Outcome.Completed;
}
