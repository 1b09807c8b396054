namespace SelfCorrect.Alignment.Models;

/// <summary>The FFN's nonlinearity: GELU, exact or tanh-approximated (GPT-2's), or ReLU (the explicit construction).</summary>
public enum FeedForwardActivation
{
    /// <summary>x·Φ(x), with the normal distribution function computed exactly.</summary>
    Gelu,

    /// <summary>GPT-2's GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    GeluTanh,

    /// <summary>max(0, x): what the explicit construction's elimination unit needs.</summary>
    Relu,
}
