namespace SelfCorrect.Alignment.Models;

/// <summary>The FFN's nonlinearity: GELU (GPT-2) or ReLU (the explicit construction).</summary>
public enum FeedForwardActivation
{
    Gelu,
    Relu,
}
