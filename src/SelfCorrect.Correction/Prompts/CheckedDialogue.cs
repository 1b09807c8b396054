namespace SelfCorrect.Correction;

/// <summary>An earlier self-check dialogue: request, response, check question, critique (history backup).</summary>
public sealed record CheckedDialogue
{
    /// <summary>The earlier request.</summary>
    public string Request { get; init; } = "";

    /// <summary>The model's earlier response.</summary>
    public string Response { get; init; } = "";

    /// <summary>The check question asked about it.</summary>
    public string Check { get; init; } = "";

    /// <summary>The critique that answered the check.</summary>
    public string Critique { get; init; } = "";
}
