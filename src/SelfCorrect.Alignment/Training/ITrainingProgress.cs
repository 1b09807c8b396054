namespace SelfCorrect.Alignment.Training;

/// <summary>Receives training progress; the CLI draws a bar on a terminal and prints lines otherwise.</summary>
public interface ITrainingProgress
{
    void Started(int firstStep, int totalSteps);
    void Step(int step, int totalSteps, double loss, TimeSpan elapsed);
}
