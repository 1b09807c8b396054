namespace SelfCorrect.Server;

/// <summary>How much of the self-correction trace leaves the server in each response.</summary>
public enum TraceDetail
{
    /// <summary>No <c>self_correction</c> object.</summary>
    None,
    /// <summary>Strategy, rounds and each stage's kind, tokens, latency and finish reason, without the intermediate texts.</summary>
    Summary,
    /// <summary>The summary with every stage's text.</summary>
    Full,
}
