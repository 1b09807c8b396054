namespace SelfCorrect.Alignment.Training;

/// <summary>Receives training progress; the CLI draws a bar on a terminal and prints lines otherwise.</summary>
public interface ITrainingProgress
{
    /// <summary>Training begins (or resumes) at <paramref name="firstStep"/> of <paramref name="totalSteps"/>.</summary>
    void Started(int firstStep, int totalSteps);
    /// <summary>A step finished with its loss; <paramref name="elapsed"/> is the session's time so far.</summary>
    void Step(int step, int totalSteps, double loss, TimeSpan elapsed);
}
