using SelfCorrect.Alignment.Metrics;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>What happened to one training of a sweep; the seconds are those its training log records over all sessions.</summary>
public sealed record SweepTrainingResult(SweepRun Run, SweepRunStatus Status, double TrainingSeconds, string? Message);

/// <summary>The errors of one (axis, configuration, seed) on one evaluation task at one reward-noise level.</summary>
public sealed record SweepObservation(SweepRun Run, string Task, double Noise, IReadOnlyList<ErrorPoint> Points);

/// <summary>What a sweep did: every training's result and every evaluation's errors.</summary>
/// <param name="Trainings">One result per distinct training, in plan order.</param>
/// <param name="Observations">The errors of every finished run, per evaluation task and noise level.</param>
/// <param name="Cancelled">Ctrl-C arrived: some runs may not have started, so the results are incomplete.</param>
public sealed record SweepOutcome(IReadOnlyList<SweepTrainingResult> Trainings, IReadOnlyList<SweepObservation> Observations, bool Cancelled)
{
    /// <summary>The sweep's trainings not finished when this invocation ended (by other shards): no summary was written.</summary>
    public IReadOnlyList<SweepRun> Unfinished { get; init; } = [];

    /// <summary>Whether the sweep stopped early: cancelled, or a training interrupted; rerunning continues it.</summary>
    public bool Interrupted => Cancelled || Trainings.Any(t => t.Status == SweepRunStatus.Interrupted);

    /// <summary>The trainings whose loss stopped being finite: they are left out of the summary.</summary>
    public IReadOnlyList<SweepTrainingResult> Diverged => [.. Trainings.Where(t => t.Status == SweepRunStatus.Diverged)];
}

/// <summary>
/// A sweep as its run directories hold it (<see cref="SweepRunner.Collect"/>): the finished trainings and their runs'
/// evaluations, and the trainings not finished yet (by another shard, or by one that was stopped).
/// </summary>
public sealed record SweepCollection(IReadOnlyList<SweepTrainingResult> Trainings, IReadOnlyList<SweepObservation> Observations, IReadOnlyList<SweepRun> Unfinished)
{
    /// <summary>Every training of the sweep finished: the summary can be written.</summary>
    public bool Complete => Unfinished.Count == 0;
}
