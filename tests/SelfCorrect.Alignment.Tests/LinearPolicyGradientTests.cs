using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class LinearPolicyGradientTests
{
    [Theory]
    [InlineData(RankingObjective.PlackettLuce)]
    [InlineData(RankingObjective.BradleyTerry)]
    public void AnalyticGradientEqualsAutogradWithRespectToW(RankingObjective objective)
    {
        using var g = new Generator(5);
        const int b = 12, m = 6, d = 4;
        using var w = randn([b, d, d], ScalarType.Float64, generator: g).requires_grad_(true);
        using var x = randn([b, d], ScalarType.Float64, generator: g);
        using var responses = randn([b, m, d], ScalarType.Float64, generator: g);
        using var rewards = rand([b, m], ScalarType.Float64, generator: g);
        using var valid = tensor(new[] { true, true, true, true, false, true });
        var prediction = einsum("bij,bj->bi", w, x);
        // The autograd side uses the sorting loss on unsorted responses; the analytic side the ranked form.
        var scores = RewardModel.NegativeSquaredDistance.Score(prediction, responses);
        var loss = (objective == RankingObjective.PlackettLuce
            ? RankingLoss.PlackettLuce(scores, rewards, 0.8, valid)
            : RankingLoss.BradleyTerry(scores, rewards, 0.8, valid)).sum();
        var autogradW = autograd.grad([loss], [w])[0];
        var ranked = RankedResponses.Rank(responses, rewards);
        var rankedValid = valid.expand_as(rewards).gather(-1, ranked.Positions);
        var direction = objective.AnalyticDirection(prediction.detach(), ranked.Responses, ranked.Rewards, 0.8, rankedValid);
        var analyticW = einsum("bi,bj->bij", direction, x);
        Assert.True(analyticW.allclose(autogradW, rtol: 1e-9, atol: 1e-10),
            $"max difference {(analyticW - autogradW).abs().max().item<double>()}");
    }

    [Theory]
    [InlineData(RankingObjective.PlackettLuce)]
    [InlineData(RankingObjective.BradleyTerry)]
    public void AnalyticAndAutogradLearnersAgree(RankingObjective objective)
    {
        using var g = new Generator(6);
        using var batch = new NoisyLinearAlignment(3, 6).Sample(20, g, ScalarType.Float64);
        using var analytic = new ExplicitGradientDescent(0.01, 5, objective).Predict(batch);
        using var viaAutograd = new ExplicitGradientDescent(0.01, 5, objective, gradient: GradientSource.Autograd).Predict(batch);
        Assert.True(analytic.allclose(viaAutograd, rtol: 1e-9, atol: 1e-11));
    }

    [Fact]
    public void GradientStepsReduceThePlackettLuceLoss()
    {
        using var g = new Generator(7);
        using var batch = new ReferenceLinearAlignment(5, 10).Sample(64, g, ScalarType.Float64);
        double previous = double.PositiveInfinity;
        foreach (int steps in new[] { 0, 1, 2, 4, 8 })
        {
            using var predictions = new ExplicitGradientDescent(0.005, steps).Predict(batch);
            // Loss of the full context (all N-1 seen responses) at the last prefix.
            var last = predictions.select(1, batch.PrefixCount - 1);
            var shown = batch.Responses.narrow(1, 0, batch.PrefixCount);
            var scores = RewardModel.NegativeSquaredDistance.Score(last, shown);
            double loss = RankingLoss.PlackettLuce(scores, batch.Rewards.narrow(1, 0, batch.PrefixCount)).mean().item<double>();
            Assert.True(loss < previous, $"loss {loss} after {steps} steps did not fall below {previous}");
            previous = loss;
        }
    }

    [Fact]
    public void GivenInitialWeightsAreTheStartingPoint()
    {
        using var g = new Generator(8);
        using var batch = new NoisyLinearAlignment(3, 5).Sample(4, g, ScalarType.Float64);
        using var w0 = randn([3, 3], ScalarType.Float64, generator: g);
        using var predictions = new ExplicitGradientDescent(0.01, 0, initialWeights: w0).Predict(batch);
        var expected = batch.Query.matmul(w0.t()).unsqueeze(1).expand_as(predictions);
        Assert.True(predictions.allclose(expected));
    }
}
