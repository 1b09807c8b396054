using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tasks;

/// <summary>
/// The noisy task y_i = xW + (1 - r_i)·ε_i with rewards in [0, 1] that lie at least <see cref="Gap"/> apart, as the
/// explicit construction assumes: N sorted uniform draws on [0, 1 - (N-1)·gap] spread by i·gap, then shuffled.
/// Scaled so that ||x||² ≈ 1 and ||ε_i|| ≈ 1 (x, ε_i ~ N(0, I_d/d), W ~ N(0,1)^{d×d}): the scores -||ŷ - y_j||² then
/// differ by a few units and the PL softmax is not saturated. With a saturated softmax the GD step itself nearly
/// vanishes, and a relative error of the prediction measures floating-point cancellation rather than the algorithm.
/// Every draw comes from the generator passed in.
/// </summary>
public sealed class SeparatedRewardAlignment : IAlignmentTask
{
    /// <summary>The task with d = <paramref name="dimension"/>, N = <paramref name="responseCount"/> and rewards at least <paramref name="gap"/> apart ((N − 1)·gap &lt; 1).</summary>
    public SeparatedRewardAlignment(int dimension, int responseCount, double gap)
    {
        AlignmentTasks.Validate(dimension, responseCount);
        if (!(gap > 0) || !((responseCount - 1) * gap < 1))
            throw new ArgumentOutOfRangeException(nameof(gap), gap, $"gap must be positive and (N-1)·gap below 1 so {responseCount} rewards fit in [0, 1]");
        Dimension = dimension;
        ResponseCount = responseCount;
        Gap = gap;
    }

    /// <inheritdoc/>
    public string Name => "separated";
    /// <inheritdoc/>
    public int Dimension { get; }
    /// <inheritdoc/>
    public int ResponseCount { get; }
    /// <summary>The least distance between two rewards of a context.</summary>
    public double Gap { get; }

    /// <inheritdoc/>
    public AlignmentBatch Sample(int batchSize, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var x = randn([batchSize, Dimension], dtype, generator: generator) / Math.Sqrt(Dimension);
        var w = randn([batchSize, Dimension, Dimension], dtype, generator: generator);
        var spread = rand([batchSize, ResponseCount], dtype, generator: generator).sort(-1).Values * (1 - (ResponseCount - 1) * Gap)
            + arange(ResponseCount, dtype: dtype) * Gap;
        var order = rand([batchSize, ResponseCount], ScalarType.Float64, generator: generator).argsort(-1);
        var r = spread.gather(1, order);
        var noise = randn([batchSize, ResponseCount, Dimension], dtype, generator: generator) / Math.Sqrt(Dimension);
        var target = einsum("bi,bij->bj", x, w);
        var responses = target.unsqueeze(1) + (1 - r.unsqueeze(-1)) * noise;
        return new AlignmentBatch(x, responses, r, target).MoveToOuterDisposeScope();
    }
}
