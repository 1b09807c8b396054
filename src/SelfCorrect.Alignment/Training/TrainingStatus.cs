namespace SelfCorrect.Alignment.Training;

/// <summary>How a training session ended: at the last step, or interrupted (its checkpoint saved).</summary>
public enum TrainingStatus
{
    Completed,
    Interrupted,
}
