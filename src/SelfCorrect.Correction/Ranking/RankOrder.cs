namespace SelfCorrect.Correction;

/// <summary>The order of the scored candidates in the context of the final answer.</summary>
public enum RankOrder
{
    /// <summary>Lowest score first, the best candidate last, next to the final question (unscored candidates count as lowest).</summary>
    WorstFirst,
    /// <summary>The best candidate first (unscored candidates last).</summary>
    BestFirst,
}
