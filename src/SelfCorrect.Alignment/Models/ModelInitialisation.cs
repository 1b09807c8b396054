namespace SelfCorrect.Alignment.Models;

/// <summary>How an <see cref="InContextTransformer"/>'s weights start.</summary>
public enum ModelInitialisation
{
    /// <summary>
    /// GPT-2's: the backbone's weights N(0, 0.02), biases 0, residual output projections (attention output, FFN
    /// second linear) N(0, 0.02/√(2·layers)), LayerNorm weight 1 and bias 0. The read-in and read-out keep
    /// libtorch's default, as in the reference, where they are plain nn.Linear layers beside GPT-2's backbone.
    /// </summary>
    Gpt2,

    /// <summary>libtorch's defaults (Kaiming-uniform Linear layers), with position embeddings N(0, 0.02).</summary>
    Torch,
}
