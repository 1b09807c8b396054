namespace SelfCorrect.Evaluation.Runner;

/// <summary>How a run ended: samples completed and failed in this attempt, and whether it stopped early.</summary>
public sealed record RunOutcome(int Completed, int Failed, bool Interrupted, bool StoppedOnFailures, TimeSpan Elapsed)
{
    /// <summary>Two passes of one attempt as one (such as two judges in turn); null when neither ran.</summary>
    public static RunOutcome? Combine(RunOutcome? first, RunOutcome? second) => (first, second) switch
    {
        (null, _) => second,
        (_, null) => first,
        ({ } a, { } b) => new RunOutcome(a.Completed + b.Completed, a.Failed + b.Failed, a.Interrupted || b.Interrupted,
            a.StoppedOnFailures || b.StoppedOnFailures, a.Elapsed + b.Elapsed),
    };
}
