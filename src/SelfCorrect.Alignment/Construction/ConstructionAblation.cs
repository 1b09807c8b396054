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

