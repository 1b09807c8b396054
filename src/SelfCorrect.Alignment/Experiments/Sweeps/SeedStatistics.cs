using MathNet.Numerics.Distributions;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// One quantity measured once per training seed: the mean over seeds and a 95% Student-t interval for it. With one
/// seed there is no seed spread, so the interval is the run's own bootstrap interval over contexts.
/// </summary>
public sealed record SeedSummary(IReadOnlyList<double> Values, double Mean, double StandardDeviation, double Low, double High)
{
    public int Seeds => Values.Count;

    public static SeedSummary FromSeeds(IReadOnlyList<double> values, double singleSeedLow = double.NaN, double singleSeedHigh = double.NaN)
    {
        if (values.Count == 0) throw new ArgumentException("no seeds to summarise", nameof(values));
        double mean = values.Average();
        if (values.Count == 1) return new SeedSummary(values, mean, 0, singleSeedLow, singleSeedHigh);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double half = StudentT.InvCDF(0, 1, values.Count - 1, 0.975) * sd / Math.Sqrt(values.Count);
        return new SeedSummary(values, mean, sd, mean - half, mean + half);
    }
}

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

/// <summary>
/// A against B: <see cref="Difference"/> = mean(B) - mean(A) (positive when A is lower), against the seed spread
/// (the root mean square of the two seed standard deviations), Welch's t-test, and whether the seeds separate.
/// </summary>
public sealed record SeedComparison(SeedSummary A, SeedSummary B, double Difference, double Spread, double? WelchT, double? PValue, bool Separated,
    EvidenceStrength Strength)
{
    /// <summary>|difference| in units of the seed spread (infinite when the seeds agree exactly).</summary>
    public double SpreadRatio => Spread > 0 ? Math.Abs(Difference) / Spread : Difference == 0 ? 0 : double.PositiveInfinity;

    public static SeedComparison Compare(SeedSummary a, SeedSummary b)
    {
        double difference = b.Mean - a.Mean;
        bool separated = difference > 0 ? a.Values.Max() < b.Values.Min() : difference < 0 && a.Values.Min() > b.Values.Max();
        if (a.Seeds < 2 || b.Seeds < 2)
            return new SeedComparison(a, b, difference, double.NaN, null, null, separated, EvidenceStrength.Unjudged);
        double spread = Math.Sqrt((a.StandardDeviation * a.StandardDeviation + b.StandardDeviation * b.StandardDeviation) / 2);
        double varianceA = a.StandardDeviation * a.StandardDeviation / a.Seeds, varianceB = b.StandardDeviation * b.StandardDeviation / b.Seeds;
        double? t = null, p = null;
        if (varianceA + varianceB > 0)
        {
            t = difference / Math.Sqrt(varianceA + varianceB);
            // Welch-Satterthwaite degrees of freedom.
            double df = (varianceA + varianceB) * (varianceA + varianceB)
                / (varianceA * varianceA / (a.Seeds - 1) + varianceB * varianceB / (b.Seeds - 1));
            p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(t.Value)));
        }
        else if (difference != 0)
        {
            p = 0;
        }
        var strength = Math.Abs(difference) <= spread || difference == 0 ? EvidenceStrength.None
            : separated && p < 0.05 ? EvidenceStrength.Strong
            : EvidenceStrength.Weak;
        return new SeedComparison(a, b, difference, spread, t, p, separated, strength);
    }
}
