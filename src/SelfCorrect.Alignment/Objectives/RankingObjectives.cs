using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Objectives;

/// <summary>
/// The objective-specific pieces behind one call signature. Every tensor is in ranking order
/// (<see cref="RankedResponses"/>): Plackett-Luce needs that order, Bradley-Terry accepts any consistent one.
/// </summary>
public static class RankingObjectives
{
    /// <summary>The objective of <c>pl</c>/<c>plackett-luce</c> or <c>bt</c>/<c>bradley-terry</c>; anything else is an <see cref="ArgumentException"/>.</summary>
    public static RankingObjective Parse(string name) => name switch
    {
        "pl" or "plackett-luce" => RankingObjective.PlackettLuce,
        "bt" or "bradley-terry" => RankingObjective.BradleyTerry,
        _ => throw new ArgumentException($"unknown objective '{name}' (expected pl or bt)"),
    };

    /// <summary><c>pl</c> or <c>bt</c>, as learner names and files write it.</summary>
    public static string ShortName(this RankingObjective objective) =>
        objective == RankingObjective.PlackettLuce ? "pl" : "bt";

    /// <summary>The objective's loss of scores already in ranking order (<see cref="RankedResponses"/>), shape [...].</summary>
    public static Tensor RankedLoss(this RankingObjective objective, Tensor rankedScores, Tensor rankedRewards, double temperature, Tensor? rankedValid) =>
        objective == RankingObjective.PlackettLuce
            ? RankingLoss.PlackettLuceRanked(rankedScores, temperature, rankedValid)
            : RankingLoss.BradleyTerry(rankedScores, rankedRewards, temperature, rankedValid);

    /// <summary>Closed-form prediction-space gradient under the squared-distance reward.</summary>
    public static Tensor AnalyticDirection(this RankingObjective objective, Tensor predictions, Tensor rankedResponses,
        Tensor rankedRewards, double temperature, Tensor? rankedValid) =>
        objective == RankingObjective.PlackettLuce
            ? LinearPolicyGradient.PlackettLuceDirection(predictions, rankedResponses, temperature, rankedValid)
            : LinearPolicyGradient.BradleyTerryDirection(predictions, rankedResponses, rankedRewards, temperature, rankedValid);
}
