namespace SelfCorrect.Alignment.Models;

/// <summary>How a head mixes the values it attends to.</summary>
public enum AttentionKind
{
    /// <summary>softmax(QKᵀ/√d_h + causal mask) V.</summary>
    Softmax,

    /// <summary>(masked QKᵀ/√d_h) V divided by the number of visible keys: no normalisation across keys.</summary>
    Linear,
}
