namespace SelfCorrect.Correction;

/// <summary>A harmful request answered with a refusal (in-context defence demonstration).</summary>
public sealed record RefusalDemonstration
{
    public string Request { get; init; } = "";
    public string Refusal { get; init; } = "";
}
