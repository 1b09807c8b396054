namespace SelfCorrect.Correction;

/// <summary>
/// The one error type of every backend and of the middleware: the message names the backend (e.g.
/// <c>openai:gpt-4o-mini at http://localhost:8000/v1</c>) and the stage that failed (loading, a request, the
/// critique of round 2, ...), followed by what went wrong.
/// </summary>
public sealed class ChatBackendException : Exception
{
    public ChatBackendException(string backend, string stage, string detail, Exception? innerException = null)
        : base($"{backend}: {stage} failed: {detail}", innerException)
    {
        Backend = backend;
        Stage = stage;
        Detail = detail;
    }

    /// <summary>The backend, in the model-spec form with its endpoint where it has one.</summary>
    public string Backend { get; }

    /// <summary>What was being done: <c>loading</c>, <c>configuration</c>, <c>the request</c>, <c>the critique of round 1</c>, ...</summary>
    public string Stage { get; }

    /// <summary>What went wrong, without the backend and stage.</summary>
    public string Detail { get; }

    /// <summary>The same failure, attributed to a named stage of a larger run.</summary>
    public ChatBackendException AtStage(string stage) => new(Backend, stage, Detail, InnerException ?? this);
}
