using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SelfCorrect.Alignment.Models;

/// <summary>Position-wise FFN: Linear → GELU (exact or tanh) or ReLU → Linear.</summary>
public sealed class FeedForward : Module<Tensor, Tensor>
{
    private readonly Linear hidden, output;
    private readonly FeedForwardActivation activation;

    /// <summary>The FFN of a block of <paramref name="config"/>: width → hidden width → width.</summary>
    public FeedForward(TransformerConfig config) : base(nameof(FeedForward))
    {
        hidden = Linear(config.Width, config.ResolvedFeedForwardWidth);
        output = Linear(config.ResolvedFeedForwardWidth, config.Width);
        activation = config.Activation;
        RegisterComponents();
    }

    /// <summary>The first projection, to the hidden width.</summary>
    public Linear Hidden => hidden;
    /// <summary>The second projection, back to the residual width.</summary>
    public Linear Output => output;

    /// <summary>output(activation(hidden(x))) on [B, T, width].</summary>
    public override Tensor forward(Tensor input)
    {
        using var inner = hidden.forward(input);
        using var activated = activation switch
        {
            FeedForwardActivation.Gelu => functional.gelu(inner),
            FeedForwardActivation.GeluTanh => functional.gelu(inner, TorchSharp.Modules.GELU.Approximate.tanh),
            _ => functional.relu(inner),
        };
        return output.forward(activated);
    }
}
