using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Construction;

/// <summary>
/// What the construction is compared with: <see cref="ExplicitGradientDescent"/> (analytic gradient, float64).
/// The learner predicts after k = 1..N-1 triplets; to get the prediction after all N it runs on the context with one
/// extra triplet appended and is read after k = N. Its prefix mask leaves the extra triplet out of every loss term, so
/// the result is exactly GD on triplets 1..N.
/// </summary>
internal static class ConstructionVerification
{
    /// <summary>GD's prediction after every prefix k = 1..N of each context, [B, N, d], in float64.</summary>
    public static Tensor PrefixReference(RankingObjective objective, AlignmentBatch batch, double eta, int steps, Tensor? initialWeights = null)
    {
        using var scope = NewDisposeScope();
        long b = batch.Size, d = batch.Dimension;
        var responses = cat([batch.Responses.to_type(ScalarType.Float64), zeros([b, 1, d], ScalarType.Float64, batch.Responses.device)], 1);
        // The extra triplet's reward sits below all others so it would not even change the ranking of the others.
        var rewards64 = batch.Rewards.to_type(ScalarType.Float64);
        var rewards = cat([rewards64, rewards64.min(1, keepdim: true).values - 1], 1);
        var query = batch.Query.to_type(ScalarType.Float64);
        var extended = new AlignmentBatch(query, responses, rewards, batch.Target.to_type(ScalarType.Float64));
        var learner = new ExplicitGradientDescent(eta, steps, objective, initialWeights: initialWeights?.to_type(ScalarType.Float64));
        return learner.Predict(extended).MoveToOuterDisposeScope();
    }

    /// <summary>GD's prediction after all N triplets, [B, d], in float64.</summary>
    public static Tensor FullReference(RankingObjective objective, AlignmentBatch batch, double eta, int steps, Tensor? initialWeights = null)
    {
        using var prefixes = PrefixReference(objective, batch, eta, steps, initialWeights);
        return prefixes.select(1, batch.ResponseCount - 1).clone();
    }

    /// <summary>||ŷ - ŷ_GD|| / ||ŷ_GD|| along the last dimension, computed in float64.</summary>
    public static Tensor RelativeError(Tensor prediction, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var p = prediction.to_type(ScalarType.Float64);
        var r = reference.to_type(ScalarType.Float64);
        return ((p - r).norm(-1) / r.norm(-1)).MoveToOuterDisposeScope();
    }
}
