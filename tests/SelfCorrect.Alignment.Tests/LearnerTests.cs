using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class LearnerTests
{
    public static TheoryData<string> LearnerNames => ["MeanResponse", "BestInContext", "GD-pl", "GD-bt", "AdamPL", "TwoPointExtrapolation"];

    private static IInContextLearner Create(string name) => name switch
    {
        "MeanResponse" => new MeanResponse(),
        "BestInContext" => new BestInContext(),
        "GD-pl" => new ExplicitGradientDescent(0.01, 3),
        "GD-bt" => new ExplicitGradientDescent(0.01, 3, Objectives.RankingObjective.BradleyTerry),
        "AdamPL" => new AdamPlackettLuce(seed: 1, steps: 5),
        "TwoPointExtrapolation" => new TwoPointExtrapolation(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(LearnerNames))]
    public void PredictionAfterKSeesOnlyTripletsOneToK(string name)
    {
        var learner = Create(name);
        using var batch = new NoisyLinearAlignment(3, 8).Sample(6, new Generator(9), ScalarType.Float64);
        using var before = learner.Predict(batch);
        Assert.Equal(new long[] { 6, 7, 3 }, before.shape);
        // Change triplet 5 (index 4) and the target: predictions after k ≤ 4 must not move.
        var responses = batch.Responses.clone();
        responses[.., 4] = randn([6, 3], ScalarType.Float64, generator: new Generator(10));
        var rewards = batch.Rewards.clone();
        rewards[.., 4] = rand([6], ScalarType.Float64, generator: new Generator(11));
        using var changed = new AlignmentBatch(batch.Query, responses, rewards, batch.Target * 3);
        using var after = learner.Predict(changed);
        // Exact in exact arithmetic; a changed ranking may reorder floating-point sums, hence the tiny tolerance.
        Assert.True(before.narrow(1, 0, 4).allclose(after.narrow(1, 0, 4), rtol: 1e-12, atol: 1e-12));
        Assert.False(before.narrow(1, 4, 3).allclose(after.narrow(1, 4, 3)));
    }

    [Fact]
    public void EvaluationGivesIntervalsAroundTheMeanAndIsReproducible()
    {
        using var batch = new ReferenceLinearAlignment(5, 6).Sample(256, new Generator(12));
        var evaluation = new LearnerEvaluation(bootstrapResamples: 200, seed: 3);
        var first = evaluation.Evaluate([new MeanResponse(), new BestInContext()], batch);
        var second = evaluation.Evaluate([new MeanResponse(), new BestInContext()], batch);
        Assert.Equal(first, second);
        Assert.Equal(2 * 2 * 5, first.Count);
        Assert.All(first, p => Assert.True(p.Low <= p.Mean && p.Mean <= p.High && p.High > p.Low));
        // BestInContext improves with k; MeanResponse does not reach it.
        var best = first.Where(p => p.Learner == "BestInContext" && p.Metric == "normalized_squared_error").OrderBy(p => p.K).ToList();
        Assert.True(best[^1].Mean < best[0].Mean / 2);
    }

    [Fact]
    public void EtaGridSearchPicksTheBestHeldOutStepSize()
    {
        using var heldOut = new ReferenceLinearAlignment(5, 8).Sample(128, new Generator(13));
        double[] grid = [1e-5, 1e-3, 1e-2, 10];
        var result = EtaGridSearch.Search(eta => new ExplicitGradientDescent(eta, 5), heldOut, grid);
        Assert.Equal(result.Candidates.MinBy(c => c.Error).Eta, result.BestEta);
        Assert.NotEqual(10, result.BestEta);
        Assert.NotEqual(1e-5, result.BestEta);
    }
}
