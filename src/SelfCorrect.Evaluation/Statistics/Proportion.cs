using MathNet.Numerics.Distributions;

namespace SelfCorrect.Evaluation.Statistics;

/// <summary>
/// A count of successes out of trials with its Wilson score interval (Wilson 1927), which stays inside [0, 1] and
/// keeps its coverage for small samples and proportions near 0 or 1, where the normal-approximation interval fails.
/// </summary>
public sealed record Proportion(int Successes, int Trials, double? Value, double? Low, double? High)
{
    /// <summary>The confidence level of intervals unless a caller asks for another: 0.95.</summary>
    public const double DefaultConfidence = 0.95;

    /// <summary>The share and its Wilson interval at <paramref name="confidence"/>; no trials give null value and bounds.</summary>
    /// <param name="successes">Successes (0 to <paramref name="trials"/>).</param>
    /// <param name="trials">Trials (≥ 0).</param>
    /// <param name="confidence">Confidence level in (0, 1).</param>
    public static Proportion Wilson(int successes, int trials, double confidence = DefaultConfidence)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} successes out of {trials} trials");
        if (trials == 0) return new Proportion(0, 0, null, null, null);
        double z = Normal.InvCDF(0, 1, 1 - (1 - confidence) / 2);
        double n = trials, p = successes / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At 0 and n successes the bounds are exactly 0 and 1; the formula gives them only up to rounding.
        double low = successes == 0 ? 0 : Math.Max(0, centre - half), high = successes == trials ? 1 : Math.Min(1, centre + half);
        return new Proportion(successes, trials, p, low, high);
    }
}
