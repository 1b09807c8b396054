using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Construction;

/// <summary>
/// The residual-stream coordinates of the explicit construction (docs/construction.md, "Coordinates of the residual
/// stream"), and the token layout: one token per triplet plus, with full attention, one query token last; with causal
/// attention a sink token first and every triplet token is its own query. No positions: the tokens form a set, except
/// for the causal mask.
/// </summary>
public sealed class ConstructionLayout
{
    /// <param name="dimension">d.</param>
    /// <param name="thresholdGrid">G, grid points of the causal construction's reward thresholds; 0 without.</param>
    public ConstructionLayout(int dimension, int thresholdGrid = 0)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be at least 1");
        if (thresholdGrid < 0) throw new ArgumentOutOfRangeException(nameof(thresholdGrid), thresholdGrid, "grid size must be non-negative");
        Dimension = dimension;
        Grid = thresholdGrid;
    }

    /// <summary>d: dimension of queries and responses.</summary>
    public int Dimension { get; }
    /// <summary>G: grid points of the causal thresholds; 0 with full attention.</summary>
    public int Grid { get; }

    /// <summary>y (d): the response, read by head B's key.</summary>
    public int Response => 0;

    /// <summary>||x||²·y (d): the response scaled by the step factor, the value both heads move (docs/construction.md, "The two heads").</summary>
    public int ScaledResponse => Dimension;

    /// <summary>r: the shown reward.</summary>
    public int Reward => 2 * Dimension;

    /// <summary>||y||²: an embedding feature (no FFN squares exactly); head B's key subtracts it.</summary>
    public int SquaredNorm => 2 * Dimension + 1;

    /// <summary>1 on every token: the bias-like coordinate queries use.</summary>
    public int One => 2 * Dimension + 2;

    /// <summary>1 for tokens no head may attend to: the query token, and responses already ranked in this step.</summary>
    public int Eliminated => 2 * Dimension + 3;

    /// <summary>1 on the full-attention query token only.</summary>
    public int IsQuery => 2 * Dimension + 4;

    /// <summary>ŷ (d): the current prediction; it is what head B's query compares responses with.</summary>
    public int Prediction => 2 * Dimension + 5;

    /// <summary>(d): this step's update, summed over its blocks; added to ŷ at the end of the step.</summary>
    public int Accumulator => 3 * Dimension + 5;

    /// <summary>The reward of the response head A selected in this block (≈ r_τ(t)).</summary>
    public int SelectedReward => 4 * Dimension + 5;

    /// <summary>1 on the causal construction's sink token only.</summary>
    public int Sink => 4 * Dimension + 6;

    /// <summary>(G) hat-function code a(θ) of the causal threshold θ: the reward of the last response ranked.</summary>
    public int Threshold => 4 * Dimension + 7;

    /// <summary>(G) ramp features b(r) of the token's own reward: Σ_m a_m(θ) b_m(r) = [r ≥ θ] under the gap assumption.</summary>
    public int RewardFeatures => 4 * Dimension + 7 + Grid;

    /// <summary>The token width: 4d + 7 coordinates, plus 2G for the causal construction.</summary>
    public int Width => 4 * Dimension + 7 + 2 * Grid;

    /// <summary>
    /// Full-attention tokens [B, N+1, width]: the N triplets, then the query token carrying ŷ_0.
    /// </summary>
    public Tensor FullTokens(Tensor query, Tensor responses, Tensor rewards, Tensor initialPrediction)
    {
        using var scope = NewDisposeScope();
        var context = TripletTokens(query, responses, rewards, initialPrediction: null);
        long b = responses.shape[0];
        var token = zeros([b, 1, Width], responses.dtype, responses.device);
        token[.., 0, One] = 1;
        token[.., 0, Eliminated] = 1;
        token[.., 0, IsQuery] = 1;
        token[.., 0, TensorIndex.Slice(Prediction, Prediction + Dimension)] = initialPrediction;
        return cat([context, token], 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Causal tokens [B, 1+N, width]: the sink, then the N triplets, each carrying ŷ_0 because each is the query of
    /// its own prefix. The sink has reward <paramref name="sinkReward"/> and ||y||² = <paramref name="sinkSquaredNorm"/>.
    /// </summary>
    public Tensor CausalTokens(Tensor query, Tensor responses, Tensor rewards, Tensor initialPrediction, double sinkReward, double sinkSquaredNorm)
    {
        using var scope = NewDisposeScope();
        var context = TripletTokens(query, responses, rewards, initialPrediction);
        long b = responses.shape[0];
        var sink = zeros([b, 1, Width], responses.dtype, responses.device);
        sink[.., 0, One] = 1;
        sink[.., 0, Sink] = 1;
        sink[.., 0, Reward] = sinkReward;
        sink[.., 0, SquaredNorm] = sinkSquaredNorm;
        return cat([sink, context], 1).MoveToOuterDisposeScope();
    }

    /// <summary>ŷ + acc at every token [B, T, d]: acc is zero after a full step, and the no-FFN ablation never moves it.</summary>
    public Tensor ReadPrediction(Tensor hidden) =>
        hidden.narrow(-1, Prediction, Dimension) + hidden.narrow(-1, Accumulator, Dimension);

    private Tensor TripletTokens(Tensor query, Tensor responses, Tensor rewards, Tensor? initialPrediction)
    {
        long b = responses.shape[0], n = responses.shape[1];
        var tokens = zeros([b, n, Width], responses.dtype, responses.device);
        var squaredQueryNorm = query.square().sum(-1).view(-1, 1, 1);
        tokens[.., .., TensorIndex.Slice(Response, Response + Dimension)] = responses;
        tokens[.., .., TensorIndex.Slice(ScaledResponse, ScaledResponse + Dimension)] = squaredQueryNorm * responses;
        tokens[.., .., Reward] = rewards;
        tokens[.., .., SquaredNorm] = responses.square().sum(-1);
        tokens[.., .., One] = 1;
        if (initialPrediction is not null)
            tokens[.., .., TensorIndex.Slice(Prediction, Prediction + Dimension)] = initialPrediction.unsqueeze(1).expand(b, n, Dimension);
        return tokens;
    }
}
