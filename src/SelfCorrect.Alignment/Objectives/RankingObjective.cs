namespace SelfCorrect.Alignment.Objectives;

/// <summary>Which ranking loss a learner descends: Plackett-Luce over all responses, or Bradley-Terry over pairs.</summary>
public enum RankingObjective
{
    PlackettLuce,
    BradleyTerry,
}

