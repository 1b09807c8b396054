namespace SelfCorrect.Correction;

/// <summary>
/// The one error type of the backends <see cref="ChatBackends"/> creates: the message names the backend (e.g.
/// <c>openai:gpt-4o-mini at http://localhost:8000/v1</c>) and the stage that failed (loading, the request, ...),
/// followed by what went wrong, in one line; the original exception is the <see cref="Exception.InnerException"/>.
/// Correction middleware lets it pass unchanged and adds the stage of its run to <see cref="Exception.Data"/>, which
/// the message and <see cref="Stage"/> then name (<c>the critique of round 2</c>).
/// </summary>
public sealed class ChatBackendException : Exception
{
    private readonly string _stage;

    /// <summary>A failure of <paramref name="backend"/> while doing <paramref name="stage"/>.</summary>
    /// <param name="backend">The backend, in the model-spec form with its endpoint where it has one.</param>
    /// <param name="stage">What was being done: <c>loading</c>, <c>configuration</c>, <c>the request</c>, ...</param>
    /// <param name="detail">What went wrong, in one line.</param>
    /// <param name="innerException">The original failure, if any.</param>
    public ChatBackendException(string backend, string stage, string detail, Exception? innerException = null)
        : base(detail, innerException)
    {
        Backend = backend;
        _stage = stage;
        Detail = detail;
    }

    /// <summary>The backend, in the model-spec form with its endpoint where it has one.</summary>
    public string Backend { get; }

    /// <summary>
    /// What was being done: the stage of a correction run that failed (<c>the critique of round 1</c>), or else what the
    /// backend was doing (<c>loading</c>, <c>configuration</c>, <c>the request</c>, ...).
    /// </summary>
    public string Stage => CorrectionDiagnostics.DescribeFailedStage(this) ?? _stage;

    /// <summary>What went wrong, without the backend and stage.</summary>
    public string Detail { get; }

    /// <summary>One line: <c>backend: stage failed: detail</c>.</summary>
    public override string Message => $"{Backend}: {Stage} failed: {Detail}";
}
