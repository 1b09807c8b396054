using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>Passes progress on and also appends every failed sample to the run's failures.log.</summary>
internal sealed class FailureLogging(IRunProgress inner, EvaluationDirectory directory) : IRunProgress
{
    public void Started(string what, int pending, int alreadyDone) => inner.Started(what, pending, alreadyDone);

    public void Completed(bool succeeded) => inner.Completed(succeeded);

    public void Failed(string key, Exception error)
    {
        directory.RecordFailure(key, error);
        inner.Failed(key, error);
    }
}
