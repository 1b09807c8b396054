using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SelfCorrect.Alignment.Models;

/// <summary>
/// One pre-LayerNorm transformer block: x + Attention(LN(x)), then + FFN(LN(x)). With LayerNorm off the norms are
/// identities; with the FFN off the block is attention alone (no extra LayerNorm, unlike the reference's no-FFN block).
/// </summary>
public sealed class Block : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> attentionNorm, feedForwardNorm;
    private readonly Attention attention;
    private readonly FeedForward? feedForward;

    /// <summary>A block of <paramref name="config"/>: attention, then (if enabled) the FFN, each with its pre-LayerNorm when enabled.</summary>
    public Block(TransformerConfig config) : base(nameof(Block))
    {
        attentionNorm = config.LayerNorm ? LayerNorm(config.Width) : Identity();
        attention = new Attention(config);
        feedForwardNorm = config.LayerNorm ? LayerNorm(config.Width) : Identity();
        feedForward = config.FeedForward ? new FeedForward(config) : null;
        RegisterComponents();
    }

    /// <summary>The block's self-attention.</summary>
    public Attention Attention => attention;
    /// <summary>The block's FFN; null when the config has none.</summary>
    public FeedForward? FeedForward => feedForward;

    /// <summary>x + attention(norm(x)), then + FFN(norm(·)): the residual stream [B, T, width] after the block.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + attention.forward(attentionNorm.forward(input));
        if (feedForward is not null) x = x + feedForward.forward(feedForwardNorm.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
