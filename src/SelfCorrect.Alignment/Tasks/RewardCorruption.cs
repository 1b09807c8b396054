using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tasks;

/// <summary>
/// A noisy critic: each shown reward is replaced, with probability p, by a fresh U(0,1) draw. The responses keep
/// their clean generation, so a corrupted reward no longer says how good its response is. Used at evaluation
/// (the paper's noise study) and optionally at training time.
/// </summary>
public sealed class RewardCorruption
{
    /// <summary>Corruption that replaces each reward with probability <paramref name="probability"/> in [0, 1].</summary>
    public RewardCorruption(double probability)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "reward noise p must lie in [0, 1]");
        Probability = probability;
    }

    /// <summary>p: the probability that a shown reward is replaced by a fresh U(0, 1) draw.</summary>
    public double Probability { get; }

    /// <summary>Rewards with corruption applied; draws the replacement mask, then the fresh rewards.</summary>
    public Tensor Apply(Tensor rewards, Generator generator)
    {
        if (Probability == 0) return rewards.clone();
        using var scope = NewDisposeScope();
        // Drawn on the seeded CPU generator, then moved: the same corruption on every device.
        var replace = (rand(rewards.shape, rewards.dtype, generator: generator) < Probability).to(rewards.device);
        var fresh = rand(rewards.shape, rewards.dtype, generator: generator).to(rewards.device);
        return where(replace, fresh, rewards).MoveToOuterDisposeScope();
    }

    /// <summary>The batch with corrupted rewards (responses and target untouched); the caller disposes the new rewards tensor.</summary>
    public AlignmentBatch Apply(AlignmentBatch batch, Generator generator) => batch.WithRewards(Apply(batch.Rewards, generator));
}
