using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Objectives;

/// <summary>
/// Ranking objectives over scored responses, vectorised over any leading batch dimensions.
/// Conventions shared by every method: <c>scores</c> and <c>rewards</c> are [..., M]; the optional
/// <c>valid</c> mask (broadcastable to [..., M]) marks the responses that take part (a prefix of a context, say);
/// rewards rank the responses best first, ties broken by position (stable), as the loop reference does.
/// </summary>
public static class RankingLoss
{
    /// <summary>
    /// Plackett-Luce negative log-likelihood of the reward ranking τ:
    /// L = -Σ_i [ s_τ(i)/T - log Σ_{j≥i} exp(s_τ(j)/T) ]. Shape [...].
    /// </summary>
    public static Tensor PlackettLuce(Tensor scores, Tensor rewards, double temperature = 1.0, Tensor? valid = null)
    {
        using var scope = NewDisposeScope();
        var rankingKey = rewards.expand_as(scores);
        var expandedValid = valid?.expand_as(scores);
        if (expandedValid is not null)
            rankingKey = rankingKey.masked_fill(expandedValid.logical_not(), double.NegativeInfinity);
        var order = rankingKey.sort(-1, descending: true, stable: true).Indices;
        return PlackettLuceRanked(scores.gather(-1, order), temperature, expandedValid?.gather(-1, order)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The PL loss of scores already in ranking order (best first), [..., M]; <paramref name="rankedValid"/> marks
    /// the responses taking part, in the same order. Callers that score the same ranking many times (every prefix,
    /// every optimiser step) sort once with <see cref="RankedResponses.Rank"/> and call this.
    /// </summary>
    public static Tensor PlackettLuceRanked(Tensor rankedScores, double temperature = 1.0, Tensor? rankedValid = null)
    {
        ValidateTemperature(temperature);
        using var scope = NewDisposeScope();
        var scaled = rankedScores / temperature;
        // Excluded responses get a score so low that exp() of it is exactly 0, which keeps the tail sums and their
        // gradient finite (an -inf fill would give NaN gradients); their own terms are then zeroed.
        var filled = rankedValid is null ? scaled : scaled.masked_fill(rankedValid.logical_not(), ExcludedScore);
        var tailLogSumExp = TailLogSumExp(filled, rankedValid);
        var terms = filled - tailLogSumExp;
        if (rankedValid is not null) terms = terms * rankedValid.to_type(terms.dtype);
        return (-terms.sum(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bradley-Terry: Σ over ordered pairs (w, l) with r_w &gt; r_l of -log σ((s_w - s_l)/T). With two responses of
    /// different reward it equals <see cref="PlackettLuce"/>. Shape [...].
    /// </summary>
    public static Tensor BradleyTerry(Tensor scores, Tensor rewards, double temperature = 1.0, Tensor? valid = null)
    {
        ValidateTemperature(temperature);
        using var scope = NewDisposeScope();
        var margin = (scores.unsqueeze(-1) - scores.unsqueeze(-2)) / temperature;
        var preferred = rewards.unsqueeze(-1) > rewards.unsqueeze(-2);
        if (valid is not null) preferred = preferred & valid.unsqueeze(-1) & valid.unsqueeze(-2);
        var pairLoss = -nn.functional.logsigmoid(margin) * preferred.to_type(margin.dtype);
        return pairLoss.sum([-1, -2]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The online (causal) PL loss used to train the transformer: for each included prefix length n, the PL loss of
    /// the first n responses scored against the prediction made after seeing exactly those n triplets; averaged over
    /// the included n per context, then over contexts.
    /// </summary>
    /// <param name="predictions">[B, N-1, d]; index k-1 holds the prediction after triplets 1..k.</param>
    /// <param name="responses">[B, N, d].</param>
    /// <param name="rewards">[B, N].</param>
    /// <param name="reward">The policy reward that scores each response against a prediction.</param>
    /// <param name="temperature">Temperature T of the Plackett-Luce softmax (&gt; 0).</param>
    /// <param name="minimumPrefix">Smallest n included (the reference uses 2; n = 1 contributes exactly 0).</param>
    public static Tensor OnlinePlackettLuce(Tensor predictions, Tensor responses, Tensor rewards, RewardModel reward,
        double temperature = 1.0, int minimumPrefix = 2)
    {
        int n = (int)responses.shape[1];
        if (predictions.shape[1] != n - 1)
            throw new ArgumentException($"expected predictions after k = 1..{n - 1} examples, got {predictions.shape[1]}");
        if (minimumPrefix < 1 || minimumPrefix > n - 1)
            throw new ArgumentOutOfRangeException(nameof(minimumPrefix), minimumPrefix, $"must lie in [1, {n - 1}]");
        using var scope = NewDisposeScope();
        var prefixLengths = arange(minimumPrefix, n, dtype: ScalarType.Int64, device: predictions.device);
        var used = predictions.index_select(1, prefixLengths - 1);                      // [B, P, d]
        var ranked = RankedResponses.Rank(responses, rewards);
        var scores = reward.Score(used, ranked.Responses.unsqueeze(1));                 // [B, P, N]
        var perPrefix = PlackettLuceRanked(scores, temperature, ranked.PrefixMask(prefixLengths));
        return perPrefix.mean([-1]).mean().MoveToOuterDisposeScope();
    }

    private const double ExcludedScore = -1e30;

    /// <summary>
    /// log Σ_{j≥i} exp(s_j) along the last dimension. Fast path: one shift by the row maximum, exp, reversed cumsum;
    /// its backward is far cheaper than logcumsumexp's. It is exact unless a taking-part score sits so far below the
    /// row maximum that its exp() underflows, in which case the whole call uses logcumsumexp instead.
    /// </summary>
    private static Tensor TailLogSumExp(Tensor scores, Tensor? valid)
    {
        var shift = scores.detach().amax([-1], keepdim: true);
        var shifted = scores - shift;
        double underflow = scores.dtype == ScalarType.Float64 ? -700 : -80;
        var spread = valid is null ? shifted.detach() : shifted.detach().masked_fill(valid.logical_not(), 0);
        if (spread.min().to_type(ScalarType.Float64).item<double>() > underflow)
        {
            // A tail made only of excluded responses sums to 0; clamping keeps log() and its gradient finite there
            // (those terms are zeroed by the caller), and never touches a taking-part tail, which is ≥ e^underflow.
            double tiny = scores.dtype == ScalarType.Float64 ? 1e-300 : 1e-37;
            return shifted.exp().flip(-1).cumsum(-1).flip(-1).clamp_min(tiny).log() + shift;
        }
        return scores.flip(-1).logcumsumexp(-1).flip(-1);
    }

    private static void ValidateTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
    }
}
