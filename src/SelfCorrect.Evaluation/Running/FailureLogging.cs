using SelfCorrect.Evaluation.Runs;

namespace SelfCorrect.Evaluation.Running;

/// <summary>Passes progress on and also appends every failed sample to the run's failures.log.</summary>
public sealed class FailureLogging(IRunProgress inner, RunFolder folder) : IRunProgress
{
    public void Started(string what, int pending, int alreadyDone) => inner.Started(what, pending, alreadyDone);

    public void Completed(bool succeeded) => inner.Completed(succeeded);

    public void Failed(string key, Exception error)
    {
        folder.RecordFailure(key, error);
        inner.Failed(key, error);
    }
}
