namespace SelfCorrect.Alignment.Training;

/// <summary>Where a training session ended: the step reached, the last loss, and the session's time.</summary>
public sealed record TrainingOutcome(TrainingStatus Status, int Step, double LastLoss, TimeSpan Elapsed);
