using SelfCorrect.Alignment.Objectives;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class RankingLossTests
{
    private static Generator Gen(ulong seed) => new(seed);

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void VectorisedPlackettLuceEqualsLoopOnSingleRankings(double temperature)
    {
        using var g = Gen(1);
        using var scores = randn([64, 7], ScalarType.Float64, generator: g);
        // Rewards on a coarse grid so ties occur; both versions break ties by position.
        using var rewards = randint(0, 3, [64, 7], generator: g).to_type(ScalarType.Float64);
        using var vectorised = RankingLoss.PlackettLuce(scores, rewards, temperature);
        for (int b = 0; b < 64; b++)
        {
            double expected = LoopPlackettLuce.Single(scores[b], rewards[b], temperature).item<double>();
            AssertRelativelyClose(expected, vectorised[b].item<double>(), 1e-9);
        }
    }

    [Theory]
    [InlineData("cosine", 2)]
    [InlineData("squared-distance", 2)]
    [InlineData("cosine", 1)]
    public void VectorisedOnlineLossEqualsReferenceLoop(string rewardName, int minimumPrefix)
    {
        var reward = RewardModel.Parse(rewardName);
        using var g = Gen(2);
        using var predictions = randn([16, 9, 4], ScalarType.Float64, generator: g);
        using var responses = randn([16, 10, 4], ScalarType.Float64, generator: g);
        using var rewards = randint(0, 4, [16, 10], generator: g).to_type(ScalarType.Float64);
        double expected = LoopPlackettLuce.Online(predictions, responses, rewards, reward, 0.7, minimumPrefix).item<double>();
        double actual = RankingLoss.OnlinePlackettLuce(predictions, responses, rewards, reward, 0.7, minimumPrefix).item<double>();
        AssertRelativelyClose(expected, actual, 1e-9);
    }

    [Fact]
    public void BradleyTerryEqualsPlackettLuceForTwoResponses()
    {
        using var g = Gen(3);
        using var scores = randn([100, 2], ScalarType.Float64, generator: g);
        using var rewards = rand([100, 2], ScalarType.Float64, generator: g);
        using var bt = RankingLoss.BradleyTerry(scores, rewards, 1.3);
        using var pl = RankingLoss.PlackettLuce(scores, rewards, 1.3);
        Assert.True(bt.allclose(pl, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void MaskedResponsesDoNotChangeTheLossOrTheGradient()
    {
        using var g = Gen(4);
        using var scores = randn([8, 6], ScalarType.Float64, generator: g).requires_grad_(true);
        using var rewards = rand([8, 6], ScalarType.Float64, generator: g);
        using var valid = tensor(new[] { true, true, true, false, false, false });
        var masked = RankingLoss.PlackettLuce(scores, rewards, 1.0, valid);
        var prefixOnly = RankingLoss.PlackettLuce(scores.narrow(1, 0, 3), rewards.narrow(1, 0, 3));
        Assert.True(masked.allclose(prefixOnly, rtol: 1e-12, atol: 1e-12));
        var grad = autograd.grad([masked.sum()], [scores])[0];
        Assert.True(grad.isfinite().all().item<bool>());
        Assert.Equal(0.0, grad.narrow(1, 3, 3).abs().sum().item<double>());
    }

    [Theory]
    [InlineData(1.0)]     // spread within exp() range: the fast tail-sum path
    [InlineData(2000.0)]  // spread far beyond it: the logcumsumexp path
    public void PlackettLuceMatchesPerTermLogSumExpAtAnyScoreSpread(double scale)
    {
        using var g = Gen(9);
        using var scores = randn([4, 6], ScalarType.Float64, generator: g) * scale;
        using var rewards = rand([4, 6], ScalarType.Float64, generator: g);
        using var loss = RankingLoss.PlackettLuce(scores, rewards);
        for (int b = 0; b < 4; b++)
        {
            var ranked = scores[b][rewards[b].argsort(descending: true)];
            double expected = 0;
            for (int i = 0; i < 6; i++)
                expected -= ranked[i].item<double>() - ranked.narrow(0, i, 6 - i).logsumexp(0).item<double>();
            AssertRelativelyClose(expected, loss[b].item<double>(), 1e-9);
        }
    }

    internal static void AssertRelativelyClose(double expected, double actual, double tolerance)
    {
        double scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(Math.Abs(expected - actual) / scale <= tolerance, $"expected {expected:R}, got {actual:R}");
    }
}
