namespace SelfCorrect.Evaluation.Bbq;

/// <summary>A graded sample: the option chosen at each stage (null: unparseable) and the critique's verdict.</summary>
public sealed record BbqGradedSample(BbqExample Example, TargetResolution Target, int? Initial, IReadOnlyList<int?> Finals, bool HasCritique, bool? CritiqueFindsBias)
{
    /// <summary>The answer at a stage; false when the sample has no such stage (fewer rounds).</summary>
    public bool TryGetAnswer(string stage, out int? answer)
    {
        answer = null;
        if (stage == BbqScoring.InitialStage)
        {
            answer = Initial;
            return true;
        }
        int round = BbqScoring.RoundOf(stage);
        if (round > Finals.Count) return false;
        answer = Finals[round - 1];
        return true;
    }
}
