namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>model:</c> section of a preset: the transformer's shape.</summary>
public sealed class ModelSettings
{
    /// <summary>Transformer blocks (≥ 1).</summary>
    public int Layers { get; set; } = 20;
    /// <summary>Attention heads per block; they must divide <see cref="Width"/>.</summary>
    public int Heads { get; set; } = 3;
    /// <summary>Width of the residual stream (GPT-2's n_embd).</summary>
    public int Width { get; set; } = 96;

    /// <summary>softmax | linear.</summary>
    public string Attention { get; set; } = "softmax";
    /// <summary>Whether each block has its feed-forward network (false: the no-FFN ablation).</summary>
    public bool Ffn { get; set; } = true;
    /// <summary>Whether the blocks have GPT-2's pre-LayerNorm and final LayerNorm (false: the ablation).</summary>
    public bool LayerNorm { get; set; } = true;

    /// <summary>gpt2 | torch: GPT-2's initialisation or libtorch's defaults (<see cref="Models.ModelInitialisation"/>).</summary>
    public string Init { get; set; } = "gpt2";

    /// <summary>tanh | exact: GPT-2's tanh-approximated GELU or the exact one.</summary>
    public string Gelu { get; set; } = "tanh";
}
