namespace SelfCorrect.Evaluation.Runner;

/// <summary>What a runner reports while it works (a live bar on a terminal, plain lines otherwise).</summary>
public interface IRunProgress
{
    /// <summary>Work begins: <paramref name="pending"/> samples to run, <paramref name="alreadyDone"/> recorded by earlier attempts.</summary>
    /// <param name="what">What the samples are (<c>bbq</c>, <c>jailbreak</c>, <c>judge</c>, ...).</param>
    /// <param name="pending">Samples this attempt runs.</param>
    /// <param name="alreadyDone">Samples recorded by earlier attempts.</param>
    void Started(string what, int pending, int alreadyDone);
    /// <summary>A sample finished, recorded (<paramref name="succeeded"/>) or failed.</summary>
    void Completed(bool succeeded);
    /// <summary>A sample failed after the backend's retries; it is logged and retried by the next attempt.</summary>
    /// <param name="key">The sample's key.</param>
    /// <param name="error">Why it failed.</param>
    void Failed(string key, Exception error);
}
