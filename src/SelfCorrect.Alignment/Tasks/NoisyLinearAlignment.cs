using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tasks;

/// <summary>
/// A non-degenerate variant of the reference task: y_i = xW + σ·(1 - r_i)·ε_i with ε_i ~ N(0, I_d) i.i.d. per
/// response, x ~ N(0, I_d), W ~ N(0,1)^{d×d}, r_i ~ U(0,1), y* = xW. Each response has its own noise direction, so no
/// two triplets determine the target; higher reward still means closer to it.
/// </summary>
public sealed class NoisyLinearAlignment : IAlignmentTask
{
    /// <summary>The task with d = <paramref name="dimension"/>, N = <paramref name="responseCount"/> and noise scale σ = <paramref name="noiseScale"/>.</summary>
    public NoisyLinearAlignment(int dimension, int responseCount, double noiseScale = 1.0)
    {
        AlignmentTasks.Validate(dimension, responseCount);
        if (!(noiseScale > 0) || double.IsInfinity(noiseScale))
            throw new ArgumentOutOfRangeException(nameof(noiseScale), noiseScale, "noise scale σ must be positive and finite");
        Dimension = dimension;
        ResponseCount = responseCount;
        NoiseScale = noiseScale;
    }

    /// <inheritdoc/>
    public string Name => "noisy";
    /// <inheritdoc/>
    public int Dimension { get; }
    /// <inheritdoc/>
    public int ResponseCount { get; }

    /// <summary>σ: the scale of each response's noise at reward 0.</summary>
    public double NoiseScale { get; }

    /// <inheritdoc/>
    public AlignmentBatch Sample(int batchSize, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var x = randn([batchSize, Dimension], dtype, generator: generator);
        var w = randn([batchSize, Dimension, Dimension], dtype, generator: generator);
        var r = rand([batchSize, ResponseCount], dtype, generator: generator);
        var noise = randn([batchSize, ResponseCount, Dimension], dtype, generator: generator);
        var target = einsum("bi,bij->bj", x, w);
        var responses = target.unsqueeze(1) + NoiseScale * (1 - r.unsqueeze(-1)) * noise;
        return new AlignmentBatch(x, responses, r, target).MoveToOuterDisposeScope();
    }
}
