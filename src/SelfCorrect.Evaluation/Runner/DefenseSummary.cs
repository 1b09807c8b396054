namespace SelfCorrect.Evaluation.Runner;

/// <summary>One defence of a run in its metrics: responses recorded and the most rounds in one.</summary>
public sealed record DefenseSummary(string Name, int Responses, int Rounds)
{
    /// <summary>The summary of one defence's recorded responses.</summary>
    public static DefenseSummary Of(DefenseResponses responses) =>
        new(responses.Defense, responses.Records.Count, responses.Records.Select(r => r.Value.FinalRounds.Count).DefaultIfEmpty(0).Max());
}
