using SelfCorrect.Evaluation.Statistics;

namespace SelfCorrect.Evaluation.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public void Wilson_OneOfFive_MatchesTheHandComputedInterval()
    {
        // p = 0.2, z = 1.96: centre (0.2 + z²/10)/(1 + z²/5) = 0.33035, half-width 0.29412.
        var p = Proportion.Wilson(1, 5);
        Assert.Equal(0.2, p.Value!.Value, 12);
        Assert.Equal(0.03622, p.Low!.Value, 4);
        Assert.Equal(0.62447, p.High!.Value, 4);
    }

    [Fact]
    public void Wilson_ExtremesStayInsideZeroOne_AndEmptyIsUndefined()
    {
        var none = Proportion.Wilson(0, 10);
        Assert.Equal(0, none.Low);
        Assert.True(none.High is > 0.2 and < 0.35);
        var all = Proportion.Wilson(10, 10);
        Assert.Equal(1, all.High!.Value, 12);
        Assert.Null(Proportion.Wilson(0, 0).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Wilson(3, 2));
    }

    [Fact]
    public void Pearson_FivePoints_RAndPValueMatchTheClosedFormForThreeDegreesOfFreedom()
    {
        // r = 8 / √(10·10) = 0.8; t = 0.8·√(3/0.36); with 3 degrees of freedom the t CDF has a closed form.
        var result = Correlation.Compute([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])!;
        Assert.Equal(0.8, result.PearsonR, 12);
        double t = 0.8 * Math.Sqrt(3 / 0.36), u = t / Math.Sqrt(3);
        double cdf = 0.5 + (u / (1 + u * u) + Math.Atan(u)) / Math.PI;
        Assert.Equal(2 * (1 - cdf), result.PValue!.Value, 9);
        Assert.Equal(0.1041, result.PValue!.Value, 4);
        Assert.Equal(0.8, result.SpearmanRho, 12);
        Assert.Equal(0.8, result.Slope, 12);
        Assert.Equal(0.6, result.Intercept, 12);
    }

    [Fact]
    public void Spearman_AveragesTiedRanks()
    {
        Assert.Equal([1.0, 2.5, 2.5, 4.0], Correlation.Ranks([0, 0.25, 0.25, 0.5]));
        // Ranks 1..4 against 1, 2.5, 2.5, 4: ρ = 4.5 / √(5·4.5).
        var result = Correlation.Compute([0.1, 0.2, 0.3, 0.4], [0, 0.25, 0.25, 0.5])!;
        Assert.Equal(4.5 / Math.Sqrt(22.5), result.SpearmanRho, 12);
    }

    [Fact]
    public void Correlation_UndefinedForFewPointsOrAConstant()
    {
        Assert.Null(Correlation.Compute([1, 2], [3, 4]));
        Assert.Null(Correlation.Compute([1, 2, 3], [5, 5, 5]));
        Assert.Equal(0, Correlation.Compute([1, 2, 3], [1, 2, 3])!.PValue);
    }
}
