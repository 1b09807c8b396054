namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>model:</c> section of a preset: the transformer's shape.</summary>
public sealed class ModelSettings
{
    public int Layers { get; set; } = 20;
    public int Heads { get; set; } = 3;
    public int Width { get; set; } = 96;

    /// <summary>softmax | linear.</summary>
    public string Attention { get; set; } = "softmax";
    public bool Ffn { get; set; } = true;
    public bool LayerNorm { get; set; } = true;

    /// <summary>gpt2 | torch: GPT-2's initialisation or libtorch's defaults (<see cref="Models.ModelInitialisation"/>).</summary>
    public string Init { get; set; } = "gpt2";

    /// <summary>tanh | exact: GPT-2's tanh-approximated GELU or the exact one.</summary>
    public string Gelu { get; set; } = "tanh";
}
