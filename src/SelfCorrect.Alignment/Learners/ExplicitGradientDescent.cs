using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>
/// Plain gradient descent on a ranking loss for the linear policy ŷ = W x, run separately for every context and
/// every prefix (triplets 1..k), all at once as one batched computation.
/// Because the query x is shared by all responses, a step on W moves the prediction by -η·||x||²·∂L/∂ŷ
/// (∇_W L = ∂L/∂ŷ · xᵀ), so the descent runs in prediction space and is exactly GD on W.
/// </summary>
public sealed class ExplicitGradientDescent : IInContextLearner
{
    /// <summary>GD on W from <paramref name="initialWeights"/> (0 by default), per context and prefix, for <paramref name="steps"/> steps.</summary>
    /// <param name="eta">Step size η on W (&gt; 0).</param>
    /// <param name="steps">GD steps (≥ 1).</param>
    /// <param name="objective">The ranking loss descended.</param>
    /// <param name="reward">The policy reward the loss ranks by; null: the squared-distance reward of the theory.</param>
    /// <param name="temperature">Temperature of the Plackett-Luce softmax (&gt; 0).</param>
    /// <param name="gradient">Closed-form gradient or autograd.</param>
    /// <param name="initialWeights">W_0, [d, d] or [B, d, d]; null means W_0 = 0.</param>
    public ExplicitGradientDescent(double eta, int steps, RankingObjective objective = RankingObjective.PlackettLuce,
        RewardModel? reward = null, double temperature = 1.0, GradientSource gradient = GradientSource.Analytic,
        Tensor? initialWeights = null)
    {
        if (!(eta > 0) || double.IsInfinity(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "step size η must be positive");
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be non-negative");
        Reward = reward ?? RewardModel.NegativeSquaredDistance;
        if (gradient == GradientSource.Analytic && Reward != RewardModel.NegativeSquaredDistance)
            throw new ArgumentException("the analytic gradient exists for the squared-distance reward only; use the autograd gradient");
        Eta = eta;
        Steps = steps;
        Objective = objective;
        Temperature = temperature;
        Gradient = gradient;
        InitialWeights = initialWeights;
    }

    /// <summary>Step size η on W.</summary>
    public double Eta { get; }
    /// <summary>GD steps per context and prefix.</summary>
    public int Steps { get; }
    /// <summary>The ranking loss descended.</summary>
    public RankingObjective Objective { get; }
    /// <summary>The policy reward the loss ranks by.</summary>
    public RewardModel Reward { get; }
    /// <summary>Temperature of the Plackett-Luce softmax.</summary>
    public double Temperature { get; }
    /// <summary>Where the gradient comes from: the closed form or autograd.</summary>
    public GradientSource Gradient { get; }

    /// <summary>W_0, [d, d] or [B, d, d]; null means W_0 = 0.</summary>
    public Tensor? InitialWeights { get; }

    /// <inheritdoc/>
    public string Name => $"GD-{Objective.ShortName()}";

    /// <inheritdoc/>
    public Tensor Predict(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        int k = batch.PrefixCount;
        var x = batch.Query;
        var prediction = InitialWeights is null
            ? zeros([batch.Size, k, batch.Dimension], x.dtype, x.device)
            : einsum("bij,bj->bi", InitialWeights.to(x.dtype, x.device).expand(batch.Size, -1, -1), x).unsqueeze(1).expand(-1, k, -1).clone();
        var ranked = RankedResponses.Rank(batch.Responses, batch.Rewards);
        var responses = ranked.Responses.unsqueeze(1);                                   // [B, 1, N, d]
        var rewards = ranked.Rewards.unsqueeze(1);                                       // [B, 1, N]
        var valid = ranked.PrefixMask(arange(1, k + 1, dtype: ScalarType.Int64, device: x.device));        // [B, K, N]
        var stepScale = Eta * x.square().sum(-1).view(-1, 1, 1);                         // η·||x||²
        for (int step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var direction = Gradient == GradientSource.Analytic
                ? Objective.AnalyticDirection(prediction, responses, rewards, Temperature, valid)
                : AutogradDirection(prediction, responses, rewards, valid);
            prediction = (prediction - stepScale * direction).MoveToOuterDisposeScope();
        }
        return prediction.MoveToOuterDisposeScope();
    }

    private Tensor AutogradDirection(Tensor prediction, Tensor responses, Tensor rewards, Tensor valid)
    {
        using var enable = enable_grad();
        var leaf = prediction.detach().requires_grad_(true);
        var loss = Objective.RankedLoss(Reward.Score(leaf, responses), rewards, Temperature, valid).sum();
        return autograd.grad([loss], [leaf])[0].detach();
    }
}
