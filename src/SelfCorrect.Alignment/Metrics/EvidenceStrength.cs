namespace SelfCorrect.Alignment.Metrics;

/// <summary>How strongly the seeds support "A reaches a lower error than B".</summary>
public enum EvidenceStrength
{
    /// <summary>One seed per side: there is no seed spread to judge the difference against.</summary>
    Unjudged,

    /// <summary>The difference is no larger than the seed spread.</summary>
    None,

    /// <summary>The difference exceeds the seed spread, but the seeds overlap or Welch's test gives p ≥ 0.05.</summary>
    Weak,

    /// <summary>Every seed of one side beats every seed of the other, and Welch's test gives p &lt; 0.05.</summary>
    Strong,
}
