namespace SelfCorrect.Alignment.Training;

/// <summary>How a training session ended: at the last step, or interrupted (its checkpoint saved).</summary>
public enum TrainingStatus
{
    /// <summary>The session reached the last step.</summary>
    Completed,
    /// <summary>The session was cancelled; its checkpoint is saved and a rerun resumes it.</summary>
    Interrupted,
}
