using MathNet.Numerics.Distributions;

namespace SelfCorrect.Evaluation.Statistics;

/// <summary>Pearson r with its two-sided p-value, Spearman ρ and the least-squares line, over paired values.</summary>
public sealed record CorrelationResult(int N, double PearsonR, double? PValue, double SpearmanRho, double Slope, double Intercept);

internal static class Correlation
{
    /// <summary>
    /// Null when fewer than three pairs or when either variable is constant (r undefined). The p-value tests r = 0
    /// with t = r·√((n−2)/(1−r²)) on n−2 degrees of freedom (exact for bivariate normal data).
    /// </summary>
    public static CorrelationResult? Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        int n = x.Count;
        if (n < 3) return null;
        var moments = Moments(x, y);
        if (moments is null) return null;
        var (r, slope, intercept) = moments.Value;
        double? p = PearsonPValue(r, n);
        var rankMoments = Moments(Ranks(x), Ranks(y));
        return new CorrelationResult(n, r, p, rankMoments!.Value.R, slope, intercept);
    }

    public static double PearsonPValue(double r, int n)
    {
        if (Math.Abs(r) >= 1) return 0;
        int degrees = n - 2;
        double t = r * Math.Sqrt(degrees / (1 - r * r));
        return 2 * StudentT.CDF(0, 1, degrees, -Math.Abs(t));
    }

    /// <summary>Ranks 1..n with tied values sharing their average rank (the usual Spearman convention).</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        int[] order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double average = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = average;
            start = end + 1;
        }
        return ranks;
    }

    private static (double R, double Slope, double Intercept)? Moments(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double meanX = x.Average(), meanY = y.Average();
        double sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        if (sxx == 0 || syy == 0) return null;
        double slope = sxy / sxx;
        return (sxy / Math.Sqrt(sxx * syy), slope, meanY - slope * meanX);
    }
}
