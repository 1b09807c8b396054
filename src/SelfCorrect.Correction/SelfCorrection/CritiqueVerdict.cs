using System.Text.Json.Serialization;

namespace SelfCorrect.Correction;

/// <summary>What a critique says about the answer it checked (in JSON: <c>unknown</c>, <c>no_problem</c>, <c>problem</c>).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<CritiqueVerdict>))]
public enum CritiqueVerdict
{
    /// <summary>The parser could not tell.</summary>
    Unknown,
    /// <summary>The critique finds the answer fine (harmless, unbiased, ...).</summary>
    NoProblem,
    /// <summary>The critique finds a problem (harmful, biased, ...).</summary>
    Problem,
}
