namespace SelfCorrect.Correction;

/// <summary>A harmful request answered with a refusal (in-context defence demonstration).</summary>
public sealed record RefusalDemonstration
{
    /// <summary>The harmful request.</summary>
    public string Request { get; init; } = "";

    /// <summary>The refusal that answers it.</summary>
    public string Refusal { get; init; } = "";
}
