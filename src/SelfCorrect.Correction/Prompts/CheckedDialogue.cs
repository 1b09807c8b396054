namespace SelfCorrect.Correction;

/// <summary>An earlier self-check dialogue: request, response, check question, critique (history backup).</summary>
public sealed record CheckedDialogue
{
    public string Request { get; init; } = "";
    public string Response { get; init; } = "";
    public string Check { get; init; } = "";
    public string Critique { get; init; } = "";
}
