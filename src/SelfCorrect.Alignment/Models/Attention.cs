using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SelfCorrect.Alignment.Models;

/// <summary>Multi-head self-attention, softmax or linear, causal or full.</summary>
public sealed class Attention : Module<Tensor, Tensor>
{
    private readonly Linear query, key, value, output;
    private readonly int heads, headDimension;
    private readonly AttentionKind kind;
    private readonly bool causal;

    /// <summary>The attention of a block of <paramref name="config"/>: its heads, kind and mask.</summary>
    public Attention(TransformerConfig config) : base(nameof(Attention))
    {
        heads = config.Heads;
        headDimension = config.ResolvedHeadDimension;
        kind = config.Attention;
        causal = config.Causal;
        int inner = heads * headDimension;
        query = Linear(config.Width, inner);
        key = Linear(config.Width, inner);
        value = Linear(config.Width, inner);
        output = Linear(inner, config.Width);
        RegisterComponents();
    }

    /// <summary>Projections exposed for the explicit construction, which sets their weights by hand.</summary>
    public Linear Query => query;
    /// <summary>The key projection.</summary>
    public Linear Key => key;
    /// <summary>The value projection.</summary>
    public Linear Value => value;
    /// <summary>The output projection back to the residual width.</summary>
    public Linear Output => output;

    /// <summary>Attention over the tokens [B, T, width], returning [B, T, width].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0], tokens = input.shape[1];
        Tensor Split(Linear projection) => projection.forward(input).view(batch, tokens, heads, headDimension).transpose(1, 2);
        var q = Split(query);
        var k = Split(key);
        var v = Split(value);
        Tensor mixed;
        if (kind == AttentionKind.Softmax)
        {
            // libtorch's fused kernel: softmax(QKᵀ/√d_h, future masked)·V without materialising the masked logits.
            mixed = functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
        }
        else
        {
            var logits = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(headDimension);            // [B, H, T, T]
            // Linear attention: the same scores without softmax, averaged over the visible keys.
            var visible = causal ? arange(1, tokens + 1, dtype: input.dtype, device: input.device).view(-1, 1) : full(1, 1, tokens, input.dtype, device: input.device);
            if (causal) logits = logits.masked_fill(FutureMask(tokens, input.device), 0.0);
            mixed = logits.matmul(v) / visible;
        }
        var merged = mixed.transpose(1, 2).reshape(batch, tokens, heads * headDimension);
        return output.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>True above the diagonal: key j is in the future of query i.</summary>
    private static Tensor FutureMask(long tokens, Device device) =>
        ones(tokens, tokens, ScalarType.Bool, device: device).triu(1);
}
