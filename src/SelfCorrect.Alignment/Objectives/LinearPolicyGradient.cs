using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Objectives;

/// <summary>
/// Closed-form gradients of the ranking losses for the linear policy ŷ = W x under the squared-distance reward
/// s_j = -||W x - y_j||² (our derivation, docs/theory.md "Ranking objectives"; checked against autograd in the tests):
/// PL:  ∇_W L = -(2/T) Σ_i (y_τ(i) - ȳ_i) xᵀ, with ȳ_i = Σ_{j≥i} p_ij y_τ(j) and p_ij the softmax of s_τ(j)/T over j ≥ i;
/// BT:  ∇_W L = -(2/T) Σ_{(w,l): r_w &gt; r_l} σ((s_l - s_w)/T) (y_w - y_l) xᵀ.
/// Both are returned as the prediction-space direction D with ∇_W L = D xᵀ, so GD can run in prediction space.
/// Shapes: predictions [..., d]; responses [..., M, d] and rewards / valid [..., M], in ranking order
/// (<see cref="RankedResponses"/>), broadcastable against the predictions' leading dimensions.
/// </summary>
internal static class LinearPolicyGradient
{
    public static Tensor PlackettLuceDirection(Tensor predictions, Tensor rankedResponses, double temperature = 1.0, Tensor? rankedValid = null)
    {
        using var scope = NewDisposeScope();
        var scores = RewardModel.NegativeSquaredDistance.Score(predictions, rankedResponses) / temperature;   // [..., M]
        int m = (int)scores.shape[^1];
        var valid = rankedValid?.expand_as(scores) ?? ones_like(scores, ScalarType.Bool);
        // p[i, j]: softmax over the not-yet-ranked valid responses j ≥ i (upper triangle of an M×M matrix).
        var allowed = ones(m, m, ScalarType.Bool, device: scores.device).triu() & valid.unsqueeze(-2) & valid.unsqueeze(-1);
        var logits = scores.unsqueeze(-2).expand([.. scores.shape[..^1], m, m]).masked_fill(allowed.logical_not(), double.NegativeInfinity);
        var p = logits.softmax(-1).nan_to_num(0.0);                                                        // rows of excluded i: 0
        var responses = rankedResponses.expand([.. scores.shape, rankedResponses.shape[^1]]);
        var expected = p.matmul(responses);                                                                // ȳ_i
        var terms = (responses - expected) * valid.unsqueeze(-1).to_type(expected.dtype);
        return (-(2.0 / temperature) * terms.sum(-2)).MoveToOuterDisposeScope();
    }

    public static Tensor BradleyTerryDirection(Tensor predictions, Tensor responses, Tensor rewards, double temperature = 1.0, Tensor? valid = null)
    {
        using var scope = NewDisposeScope();
        var scores = RewardModel.NegativeSquaredDistance.Score(predictions, responses) / temperature;   // [..., M]
        var preferred = rewards.unsqueeze(-1) > rewards.unsqueeze(-2);                                 // [..., w, l]
        if (valid is not null) preferred = preferred & valid.unsqueeze(-1) & valid.unsqueeze(-2);
        var weight = (scores.unsqueeze(-2) - scores.unsqueeze(-1)).sigmoid() * preferred.to_type(scores.dtype); // σ(s_l - s_w)
        var difference = responses.unsqueeze(-2) - responses.unsqueeze(-3);                           // y_w - y_l
        var direction = (weight.unsqueeze(-1) * difference).sum([-2, -3]);
        return (-(2.0 / temperature) * direction).MoveToOuterDisposeScope();
    }
}
