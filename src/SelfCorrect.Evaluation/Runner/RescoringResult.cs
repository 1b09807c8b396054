namespace SelfCorrect.Evaluation.Runner;

/// <summary>A rescoring of saved responses: where the metrics went, the records scored and what the LLM judge did (null without one).</summary>
public sealed record RescoringResult<TMetrics>(string Directory, TMetrics Metrics, int Records, RunOutcome? Judging, IReadOnlyList<string> IgnoredTornLines)
{
    /// <summary>Each shard's progress when a sharded run directory was scored (null otherwise).</summary>
    public IReadOnlyList<Storage.ShardProgress>? Shards { get; init; }
}
