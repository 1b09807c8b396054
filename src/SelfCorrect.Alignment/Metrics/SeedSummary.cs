using MathNet.Numerics.Distributions;

namespace SelfCorrect.Alignment.Metrics;

/// <summary>
/// One quantity measured once per training seed: the mean over seeds and a 95% Student-t interval for it. With one
/// seed there is no seed spread, so the interval is the run's own bootstrap interval over contexts.
/// </summary>
public sealed record SeedSummary(IReadOnlyList<double> Values, double Mean, double StandardDeviation, double Low, double High)
{
    /// <summary>Training seeds the summary pools.</summary>
    public int Seeds => Values.Count;

    /// <summary>The mean and its Student-t interval over the seeds' values; with one seed, the given interval over contexts.</summary>
    /// <param name="values">One value per seed.</param>
    /// <param name="singleSeedLow">With one seed: the low end of its bootstrap interval.</param>
    /// <param name="singleSeedHigh">With one seed: the high end of its bootstrap interval.</param>
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
