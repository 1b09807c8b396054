namespace SelfCorrect.Alignment.Objectives;

/// <summary>Which ranking loss a learner descends: Plackett-Luce over all responses, or Bradley-Terry over pairs.</summary>
public enum RankingObjective
{
    /// <summary>The Plackett-Luce likelihood of the full ranking of the N responses by reward (the paper's loss).</summary>
    PlackettLuce,
    /// <summary>The Bradley-Terry likelihood of pairwise preferences (Plackett-Luce at N = 2).</summary>
    BradleyTerry,
}

