namespace SelfCorrect.Evaluation.Runner;

/// <summary>How a run ended: samples completed and failed in this attempt, and whether it stopped early.</summary>
public sealed record RunOutcome(int Completed, int Failed, bool Interrupted, bool StoppedOnFailures, TimeSpan Elapsed);
