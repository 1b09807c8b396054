namespace SelfCorrect.Alignment.Construction;

/// <summary>Which component of the construction is taken away (docs/construction.md, "Ablations").</summary>
public enum ConstructionAblation
{
    /// <summary>The full construction: two softmax heads and a ReLU FFN per block, N-1 blocks per step.</summary>
    None,

    /// <summary>The same weights under linear attention (no softmax across keys).</summary>
    Linear,

    /// <summary>The same attention weights with the FFN removed: nothing is eliminated, nothing moves ŷ between steps.</summary>
    NoFeedForward,

    /// <summary>One head per block at the same depth: the selection head A only, so the PL normaliser ȳ_t is missing.</summary>
    OneHead,

    /// <summary>One head per block at twice the depth: head B and head A in alternating blocks. Expected to be exact.</summary>
    OneHeadDeep,
}

public static class ConstructionAblations
{
    public static readonly IReadOnlyList<string> Names = ["none", "linear", "no-ffn", "one-head", "one-head-deep"];

    public static ConstructionAblation Parse(string name) => name switch
    {
        "none" => ConstructionAblation.None,
        "linear" => ConstructionAblation.Linear,
        "no-ffn" => ConstructionAblation.NoFeedForward,
        "one-head" => ConstructionAblation.OneHead,
        "one-head-deep" => ConstructionAblation.OneHeadDeep,
        _ => throw new ArgumentException($"unknown ablation '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    public static string Name(this ConstructionAblation ablation) => Names[(int)ablation];
}
