using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>
/// The reference implementation's "GD" baseline: for each context and prefix, a fresh random linear map
/// (initialised like a bias-free nn.Linear, U(-1/√d, 1/√d)) trained by Adam (lr 0.1, 50 steps) on the cosine PL
/// loss of the first k triplets. Here every (context, prefix) problem is one slice of a single [B, K, d, d] weight
/// tensor: the summed loss gives each slice its own gradient and Adam's update is element-wise, so this is exactly
/// the per-problem algorithm, done in one batched computation.
/// </summary>
public sealed class AdamPlackettLuce : IInContextLearner
{
    /// <summary>The reference implementation's Adam steps without reward noise: 50.</summary>
    public const int ReferenceSteps = 50;

    /// <summary>Adam on a fresh random W per context and prefix, for <paramref name="steps"/> steps.</summary>
    /// <param name="seed">Seed of the initial maps U(−1/√d, 1/√d), drawn from a generator of their own.</param>
    /// <param name="learningRate">Adam's learning rate (&gt; 0; the reference uses 0.1).</param>
    /// <param name="steps">Adam steps (≥ 1); the reference's noise study shrinks them with p (<see cref="ReferenceNoiseSteps"/>).</param>
    /// <param name="reward">The policy reward ranked by the loss; null: cosine, as the reference.</param>
    /// <param name="temperature">Temperature of the Plackett-Luce softmax (&gt; 0).</param>
    /// <param name="name">The learner's name in tables and figures, where several budgets appear side by side.</param>
    public AdamPlackettLuce(long seed, double learningRate = 0.1, int steps = ReferenceSteps, RewardModel? reward = null, double temperature = 1.0,
        string name = "AdamPL")
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be positive");
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be non-negative");
        Seed = seed;
        LearningRate = learningRate;
        Steps = steps;
        Reward = reward ?? RewardModel.Cosine;
        Temperature = temperature;
        Name = name;
    }

    /// <summary>
    /// The reference study's budget under reward noise p: int(50 - 25p) steps, fewer as the noise grows (its
    /// evaluation notebook; docs/theory.md §6).
    /// </summary>
    public static int ReferenceNoiseSteps(double p) => (int)(ReferenceSteps - 25 * p);

    /// <summary>Seed of the initial maps.</summary>
    public long Seed { get; }
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; }
    /// <summary>Adam steps per context and prefix.</summary>
    public int Steps { get; }
    /// <summary>The policy reward the loss ranks by.</summary>
    public RewardModel Reward { get; }
    /// <summary>Temperature of the Plackett-Luce softmax.</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public Tensor Predict(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        int k = batch.PrefixCount, d = batch.Dimension;
        using var generator = Seeds.Generator(Seed, "adam-pl-init");
        double bound = 1.0 / Math.Sqrt(d);
        // Drawn on the seeded CPU generator, then moved: the same start on every device.
        var initial = ((rand([batch.Size, k, d, d], batch.Query.dtype, generator: generator) * 2 - 1) * bound).to(batch.Query.device);
        using var weights = new TorchSharp.Modules.Parameter(initial, requires_grad: true);
        using var optimizer = optim.Adam([weights], lr: LearningRate);
        var x = batch.Query.view(batch.Size, 1, d).expand(-1, k, -1);
        var ranked = RankedResponses.Rank(batch.Responses, batch.Rewards);
        var responses = ranked.Responses.unsqueeze(1);
        var valid = ranked.PrefixMask(arange(1, k + 1, dtype: ScalarType.Int64, device: x.device));
        using (enable_grad())
        {
            for (int step = 0; step < Steps; step++)
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                var prediction = einsum("bkij,bkj->bki", weights, x);
                var loss = RankingLoss.PlackettLuceRanked(Reward.Score(prediction, responses), Temperature, valid).sum();
                loss.backward();
                optimizer.step();
            }
        }
        using (no_grad())
            return einsum("bkij,bkj->bki", weights, x).MoveToOuterDisposeScope();
    }
}
