using MathNet.Numerics.Distributions;

namespace SelfCorrect.Alignment.Metrics;

/// <summary>
/// A against B: <see cref="Difference"/> = mean(B) - mean(A) (positive when A is lower), against the seed spread
/// (the root mean square of the two seed standard deviations), Welch's t-test, and whether the seeds separate.
/// </summary>
internal sealed record SeedComparison(SeedSummary A, SeedSummary B, double Difference, double Spread, double? WelchT, double? PValue, bool Separated,
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
