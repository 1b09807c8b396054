using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>
/// An oracle for the reference task's degeneracy: every response there is y_i = r_i·y* + (1-r_i)·xW_ε, so from the
/// two seen triplets with the most different rewards y* = y_i + (1-r_i)/(r_i-r_j)·(y_i - y_j) exactly. After one
/// triplet it falls back to that response. On tasks where responses carry their own noise it has no such guarantee.
/// </summary>
public sealed class TwoPointExtrapolation : IInContextLearner
{
    /// <inheritdoc/>
    public string Name => "TwoPointExtrapolation";

    /// <inheritdoc/>
    public Tensor Predict(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        int k = batch.PrefixCount;
        var rewards = batch.Rewards.narrow(1, 0, k);
        var (_, high) = rewards.cummax(1);
        var (_, low) = rewards.cummin(1);
        var index = (Tensor i) => i.unsqueeze(-1).expand(-1, -1, batch.Dimension);
        var yHigh = batch.Responses.gather(1, index(high));
        var yLow = batch.Responses.gather(1, index(low));
        var rHigh = rewards.gather(1, high).unsqueeze(-1);
        var rLow = rewards.gather(1, low).unsqueeze(-1);
        var gap = rHigh - rLow;
        // With one triplet (or equal rewards) there is nothing to extrapolate from: keep the best response.
        var usable = gap > 1e-12;
        var factor = where(usable, (1 - rHigh) / where(usable, gap, ones_like(gap)), zeros_like(gap));
        return (yHigh + factor * (yHigh - yLow)).MoveToOuterDisposeScope();
    }
}
