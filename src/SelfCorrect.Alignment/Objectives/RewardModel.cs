using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Objectives;

/// <summary>
/// The policy reward r(ŷ, y): how well a response y scores under the policy whose prediction is ŷ. It turns
/// predictions into the scores that the ranking objectives compare.
/// </summary>
public abstract class RewardModel
{
    /// <summary>cos(ŷ, y): the reference implementation's reward.</summary>
    public static readonly RewardModel Cosine = new CosineReward();
    /// <summary>−‖ŷ − y‖²: the log-density of a Gaussian policy, the reward the theory uses.</summary>
    public static readonly RewardModel NegativeSquaredDistance = new NegativeSquaredDistanceReward();
    /// <summary>The rewards' names, as presets and the command line write them.</summary>
    public static readonly IReadOnlyList<string> Names = ["cosine", "squared-distance"];

    /// <summary>The reward's name in <see cref="Names"/>.</summary>
    public abstract string Name { get; }

    /// <summary>Scores of <paramref name="responses"/> [..., M, d] under <paramref name="predictions"/> [..., d]: [..., M].</summary>
    public abstract Tensor Score(Tensor predictions, Tensor responses);

    /// <summary>The reward of a name in <see cref="Names"/>; anything else is an <see cref="ArgumentException"/>.</summary>
    public static RewardModel Parse(string name) => name switch
    {
        "cosine" => Cosine,
        "squared-distance" => NegativeSquaredDistance,
        _ => throw new ArgumentException($"unknown reward model '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    /// <summary>The reward's <see cref="Name"/>.</summary>
    public override string ToString() => Name;

    /// <summary>cos(ŷ, y): the reference implementation's reward.</summary>
    private sealed class CosineReward : RewardModel
    {
        public override string Name => "cosine";

        // Normalise each side once, then one batched matrix product: much cheaper (forward and backward) than
        // cosine_similarity over the broadcast [..., M, d] pairs. Zero vectors score 0, as in cosine_similarity.
        public override Tensor Score(Tensor predictions, Tensor responses) =>
            nn.functional.normalize(predictions, dim: -1, eps: 1e-8).unsqueeze(-2)
                .matmul(nn.functional.normalize(responses, dim: -1, eps: 1e-8).transpose(-1, -2)).squeeze(-2);
    }

    /// <summary>-||ŷ - y||²: the log-density of a Gaussian policy, the reward the theory uses.</summary>
    private sealed class NegativeSquaredDistanceReward : RewardModel
    {
        public override string Name => "squared-distance";

        public override Tensor Score(Tensor predictions, Tensor responses) =>
            -(predictions.unsqueeze(-2) - responses).square().sum(-1);
    }
}
