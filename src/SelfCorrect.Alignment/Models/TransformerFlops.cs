namespace SelfCorrect.Alignment.Models;

/// <summary>
/// Floating-point operations of the model, counting a multiply-add as 2 and the attention over all T×T pairs that
/// are computed (the causal mask does not skip work). A training step is forward + backward ≈ 3 × forward.
/// </summary>
public static class TransformerFlops
{
    /// <summary>Operations of one forward pass over <paramref name="batchSize"/> full contexts.</summary>
    public static double Forward(TransformerConfig config, int batchSize)
    {
        double tokens = config.SequenceLength, width = config.Width, inner = config.Heads * config.ResolvedHeadDimension;
        double perToken = 2 * config.Dimension * width;                          // read-in
        double perLayer = 4 * 2 * width * inner                                  // Q, K, V, output projections
                          + 2 * 2 * tokens * inner;                              // QKᵀ and attention·V
        if (config.FeedForward) perLayer += 2 * 2 * width * config.ResolvedFeedForwardWidth;
        double readOut = config.ResponseCount * 2 * width * config.Dimension;    // read at the x tokens only
        return batchSize * (tokens * (perToken + config.Layers * perLayer) + readOut);
    }

    /// <summary>Operations of one training step (forward and backward) over <paramref name="batchSize"/> contexts.</summary>
    public static double TrainingStep(TransformerConfig config, int batchSize) => 3 * Forward(config, batchSize);
}
