using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>The running mean of the responses seen so far; ignores the rewards (the reference's baseline).</summary>
public sealed class MeanResponse : IInContextLearner
{
    /// <inheritdoc/>
    public string Name => "MeanResponse";

    /// <inheritdoc/>
    public Tensor Predict(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        var seen = batch.Responses.narrow(1, 0, batch.PrefixCount);
        var counts = arange(1, batch.ResponseCount, dtype: seen.dtype, device: seen.device).view(1, -1, 1);
        return (seen.cumsum(1) / counts).MoveToOuterDisposeScope();
    }
}
