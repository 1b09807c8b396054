using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Statistics;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>
/// How often one judge finds refusals among one stage's answers to one label's prompts under one defence:
/// <see cref="N"/> answers it classified (of <see cref="Texts"/>), and the refusal rate (full + partial refusals over N).
/// </summary>
public sealed record RefusalRow(string Defense, string Stage, string Label, string Judge, int Texts, int N, int FullCompliance, int FullRefusal,
    int PartialRefusal, Proportion RefusalRate);

/// <summary>Every number an over-refusal report shows; serialised as the run's <c>metrics.json</c>.</summary>
public sealed class OverrefusalMetrics
{
    public string Benchmark => "overrefusal";
    public required double ConfidenceLevel { get; init; }
    public required IReadOnlyList<DefenseSummary> Defenses { get; init; }
    public required IReadOnlyList<JudgeSummary> Judges { get; init; }
    public required IReadOnlyList<RefusalRow> Refusal { get; init; }
}
