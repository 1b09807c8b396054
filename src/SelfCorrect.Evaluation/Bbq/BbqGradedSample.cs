using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// A graded sample: the option chosen at each stage (null: unparseable), the critique's verdict, the stereotyped
/// target that decides (the official metadata's when given) and the heuristic's, for the agreement table.
/// </summary>
public sealed record BbqGradedSample(BbqExample Example, TargetResolution Target, TargetResolution HeuristicTarget, int? Initial,
    IReadOnlyList<int?> Finals, bool HasCritique, bool? CritiqueFindsBias)
{
    /// <summary>The answer at a stage; false when the sample has no such stage (fewer rounds).</summary>
    public bool TryGetAnswer(string stage, out int? answer)
    {
        answer = null;
        int round = AnswerStage.RoundOf(stage);
        if (round > Finals.Count) return false;
        answer = round == 0 ? Initial : Finals[round - 1];
        return true;
    }
}
