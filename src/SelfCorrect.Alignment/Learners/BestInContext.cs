using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>The response with the highest reward among those seen so far.</summary>
public sealed class BestInContext : IInContextLearner
{
    /// <inheritdoc/>
    public string Name => "BestInContext";

    /// <inheritdoc/>
    public Tensor Predict(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        var best = batch.Rewards.narrow(1, 0, batch.PrefixCount).cummax(1).indexes;           // [B, N-1]
        var index = best.unsqueeze(-1).expand(-1, -1, batch.Dimension);
        return batch.Responses.gather(1, index).MoveToOuterDisposeScope();
    }
}
