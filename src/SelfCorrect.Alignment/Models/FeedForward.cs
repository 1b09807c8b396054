using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SelfCorrect.Alignment.Models;

/// <summary>Position-wise FFN: Linear → GELU (exact or tanh) or ReLU → Linear.</summary>
public sealed class FeedForward : Module<Tensor, Tensor>
{
    private readonly Linear hidden, output;
    private readonly FeedForwardActivation activation;

    public FeedForward(TransformerConfig config) : base(nameof(FeedForward))
    {
        hidden = Linear(config.Width, config.ResolvedFeedForwardWidth);
        output = Linear(config.ResolvedFeedForwardWidth, config.Width);
        activation = config.Activation;
        RegisterComponents();
    }

    public Linear Hidden => hidden;
    public Linear Output => output;

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
