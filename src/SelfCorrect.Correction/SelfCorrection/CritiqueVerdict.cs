namespace SelfCorrect.Correction;

/// <summary>What a critique says about the answer it checked.</summary>
public enum CritiqueVerdict
{
    /// <summary>The parser could not tell.</summary>
    Unknown,
    /// <summary>The critique finds the answer fine (harmless, unbiased, ...).</summary>
    NoProblem,
    /// <summary>The critique finds a problem (harmful, biased, ...).</summary>
    Problem,
}
