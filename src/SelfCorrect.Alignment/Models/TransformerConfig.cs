namespace SelfCorrect.Alignment.Models;

/// <summary>
/// Everything that shapes an <see cref="InContextTransformer"/>. The defaults are GPT-2 as the reference
/// implementation uses it; the switches serve the component ablations and the explicit construction.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>d: dimension of queries, responses and predictions.</summary>
    public int Dimension { get; init; } = 5;

    /// <summary>N: the most triplets a context may hold (sizes the position table).</summary>
    public int ResponseCount { get; init; } = 20;

    /// <summary>Transformer blocks (≥ 1).</summary>
    public int Layers { get; init; } = 4;
    /// <summary>Attention heads per block (≥ 1).</summary>
    public int Heads { get; init; } = 2;

    /// <summary>n_embd: the residual stream's width.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Per-head dimension of queries, keys and values; null means Width / Heads (GPT-2).</summary>
    public int? HeadDimension { get; init; }

    /// <summary>Softmax attention (GPT-2) or the linear ablation.</summary>
    public AttentionKind Attention { get; init; } = AttentionKind.Softmax;

    /// <summary>Every trained variant is causal; only the explicit construction's theory layout turns it off.</summary>
    public bool Causal { get; init; } = true;

    /// <summary>Whether each block has its feed-forward network.</summary>
    public bool FeedForward { get; init; } = true;

    /// <summary>Hidden width of the FFN; null means 4·Width (GPT-2).</summary>
    public int? FeedForwardWidth { get; init; }

    /// <summary>The FFN's activation: GPT-2's tanh-approximated GELU, the exact GELU, or ReLU (the construction).</summary>
    public FeedForwardActivation Activation { get; init; } = FeedForwardActivation.GeluTanh;

    /// <summary>How the weights are initialised: GPT-2's scheme or libtorch's defaults.</summary>
    public ModelInitialisation Initialisation { get; init; } = ModelInitialisation.Gpt2;

    /// <summary>Pre-LayerNorm before attention and FFN, and a final LayerNorm.</summary>
    public bool LayerNorm { get; init; } = true;

    /// <summary>Learned position embeddings (GPT-2); the theory layout has none.</summary>
    public bool PositionEmbeddings { get; init; } = true;

    /// <summary>The per-head dimension in use: <see cref="HeadDimension"/>, or Width / Heads.</summary>
    public int ResolvedHeadDimension => HeadDimension ?? Width / Heads;
    /// <summary>The FFN hidden width in use: <see cref="FeedForwardWidth"/>, or 4·Width.</summary>
    public int ResolvedFeedForwardWidth => FeedForwardWidth ?? 4 * Width;

    /// <summary>Tokens in a full context: x, y, (r, 0, …, 0) per triplet.</summary>
    public int SequenceLength => 3 * ResponseCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending setting.</summary>
    public void Validate()
    {
        Positive(Dimension, "model.dimension");
        if (ResponseCount < 2) throw new ArgumentException($"task.n: must be at least 2 (got {ResponseCount})");
        Positive(Layers, "model.layers");
        Positive(Heads, "model.heads");
        Positive(Width, "model.width");
        if (HeadDimension is null && Width % Heads != 0)
            throw new ArgumentException($"model.heads: {Heads} heads do not divide width {Width}");
        if (HeadDimension is { } h) Positive(h, "model.head_dimension");
        if (FeedForwardWidth is { } f) Positive(f, "model.ffn_width");
    }

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentException($"{name}: must be positive (got {value})");
    }
}
