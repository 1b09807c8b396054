using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Objectives;

/// <summary>
/// A batch of contexts with responses in ranking order: best reward first, ties kept in position order (a stable
/// sort, as the reference loop). Positions records where each ranked response stood in its context, which gives the
/// ranking of any prefix for free: a stable sort restricted to a subset is the stable sort of that subset.
/// Sorting once and reusing the order keeps sorts out of every optimiser step and every prefix.
/// </summary>
/// <param name="Responses">[B, N, d], ranked.</param>
/// <param name="Rewards">[B, N], ranked (descending).</param>
/// <param name="Positions">[B, N], original index of each ranked response.</param>
public sealed record RankedResponses(Tensor Responses, Tensor Rewards, Tensor Positions)
{
    /// <summary>Sorts each context's responses by reward, best first, ties kept in position order (stable).</summary>
    public static RankedResponses Rank(Tensor responses, Tensor rewards)
    {
        var (sortedRewards, positions) = rewards.sort(-1, descending: true, stable: true);
        var ranked = responses.gather(-2, positions.unsqueeze(-1).expand_as(responses));
        return new RankedResponses(ranked, sortedRewards, positions);
    }

    /// <summary>[B, P, N] in ranked order: response i takes part in prefix p when its position is below length_p.</summary>
    public Tensor PrefixMask(Tensor prefixLengths) => Positions.unsqueeze(1) < prefixLengths.view(1, -1, 1);
}
