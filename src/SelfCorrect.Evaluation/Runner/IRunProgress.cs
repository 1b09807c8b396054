namespace SelfCorrect.Evaluation.Runner;

/// <summary>What a runner reports while it works (a live bar on a terminal, plain lines otherwise).</summary>
public interface IRunProgress
{
    void Started(string what, int pending, int alreadyDone);
    void Completed(bool succeeded);
    void Failed(string key, Exception error);
}
