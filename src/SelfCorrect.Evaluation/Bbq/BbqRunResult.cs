using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// A finished (or interrupted) run: its directory, what this attempt did, and the metrics of all records so far (of
/// every shard, for a sharded run).
/// </summary>
/// <param name="Selected">The examples this process evaluates: the whole selection, or its shard's slice.</param>
public sealed record BbqRunResult(string Directory, int Selected, int AlreadyDone, RunOutcome Outcome, BbqMetrics Metrics, string? DiscardedTornLine)
{
    /// <summary>Each shard's progress when the run is sharded (null otherwise).</summary>
    public IReadOnlyList<ShardProgress>? Shards { get; init; }

    /// <summary>Samples recorded in the directory: by earlier attempts and by this one.</summary>
    public int Recorded => AlreadyDone + Outcome.Completed;
}
