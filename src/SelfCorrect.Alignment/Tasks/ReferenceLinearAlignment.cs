using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tasks;

/// <summary>
/// The reference synthetic protocol (Wang et al. 2024, public code; docs/theory.md, "The reference implementation's
/// synthetic protocol"): per context x ~ N(0, I_d), W, W_ε ~ N(0,1)^{d×d}, r_i ~ U(0,1),
/// y_i = r_i·xW + (1 - r_i)·xW_ε, y* = xW.
/// Unlike the reference, the rewards come from the same seeded generator as everything else.
/// Every response lies on the segment from xW_ε to xW, so two triplets determine y* exactly
/// (see <see cref="Learners.TwoPointExtrapolation"/>).
/// </summary>
public sealed class ReferenceLinearAlignment : IAlignmentTask
{
    /// <summary>The task with d = <paramref name="dimension"/> and N = <paramref name="responseCount"/>.</summary>
    public ReferenceLinearAlignment(int dimension, int responseCount)
    {
        AlignmentTasks.Validate(dimension, responseCount);
        Dimension = dimension;
        ResponseCount = responseCount;
    }

    /// <inheritdoc/>
    public string Name => "reference";
    /// <inheritdoc/>
    public int Dimension { get; }
    /// <inheritdoc/>
    public int ResponseCount { get; }

    /// <inheritdoc/>
    public AlignmentBatch Sample(int batchSize, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        // Fixed draw order (x, W, W_ε, r) so a seed reproduces a batch bit for bit.
        var x = randn([batchSize, Dimension], dtype, generator: generator);
        var w = randn([batchSize, Dimension, Dimension], dtype, generator: generator);
        var wNoise = randn([batchSize, Dimension, Dimension], dtype, generator: generator);
        var r = rand([batchSize, ResponseCount], dtype, generator: generator);
        var target = einsum("bi,bij->bj", x, w);
        var distractor = einsum("bi,bij->bj", x, wNoise);
        var rw = r.unsqueeze(-1);
        var responses = rw * target.unsqueeze(1) + (1 - rw) * distractor.unsqueeze(1);
        return new AlignmentBatch(x, responses, r, target).MoveToOuterDisposeScope();
    }
}
