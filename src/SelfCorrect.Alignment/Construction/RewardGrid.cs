using TorchSharp;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Construction;

/// <summary>
/// The causal construction's threshold grid (docs/construction.md, "Causal attention"): points g_m = g_0 + m·h with spacing
/// h = gap/5, from g_0 = the sink's reward (rewardLow - gap) to past rewardHigh. A threshold θ is coded by hat functions
/// a_m(θ); a reward r by ramps b_m(r) that rise over [g_m - c - h, g_m - c], c = 2h. Then Σ_m a_m(θ) b_m(r) is exactly
/// 1 when r ≥ θ - h and exactly 0 when r ≤ θ - gap + h: with rewards at least gap apart and a selection error below h,
/// it masks precisely the responses already ranked.
/// </summary>
public sealed class RewardGrid
{
    /// <summary>A grid of spacing gap/5 covering the thresholds in [<paramref name="rewardLow"/> − gap, <paramref name="rewardHigh"/>].</summary>
    /// <param name="gap">The least distance between two rewards of a context (&gt; 0).</param>
    /// <param name="rewardLow">The lowest reward a context may show.</param>
    /// <param name="rewardHigh">The highest reward a context may show.</param>
    public RewardGrid(double gap, double rewardLow, double rewardHigh)
    {
        Gap = gap;
        RewardLow = rewardLow;
        RewardHigh = rewardHigh;
        Spacing = gap / 5;
        Count = (int)Math.Ceiling((rewardHigh - SinkReward) / Spacing) + 2;
    }

    /// <summary>The assumed least distance between two rewards of a context.</summary>
    public double Gap { get; }
    /// <summary>The lowest reward the grid codes.</summary>
    public double RewardLow { get; }
    /// <summary>The highest reward the grid codes.</summary>
    public double RewardHigh { get; }

    /// <summary>h.</summary>
    public double Spacing { get; }

    /// <summary>c: how far below a grid point its ramp is complete.</summary>
    public double RampOffset => 2 * Spacing;

    /// <summary>G.</summary>
    public int Count { get; }

    /// <summary>The sink's reward: one gap below every response, so head A picks it only when nothing remains.</summary>
    public double SinkReward => RewardLow - Gap;

    /// <summary>g_j (j may be -1 or G for the outer ramps of the first and last hat).</summary>
    public double Point(int j) => SinkReward + j * Spacing;

    /// <summary>The grid codes thresholds in [rewardLow - gap, rewardHigh] only.</summary>
    public void CheckRewards(Tensor rewards)
    {
        double low = rewards.min().ToDouble(), high = rewards.max().ToDouble();
        if (low < RewardLow || high > RewardHigh)
            throw new ArgumentException($"rewards span [{low}, {high}], outside the construction's range [{RewardLow}, {RewardHigh}]");
    }
}
