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
    /// <summary>Always <c>overrefusal</c>: names the benchmark in metrics.json.</summary>
    public string Benchmark => "overrefusal";
    /// <summary>Confidence level of every interval, e.g. 0.95.</summary>
    public required double ConfidenceLevel { get; init; }
    /// <summary>The defences compared, with their stages and record counts.</summary>
    public required IReadOnlyList<DefenseSummary> Defenses { get; init; }
    /// <summary>The judges that classified the answers.</summary>
    public required IReadOnlyList<JudgeSummary> Judges { get; init; }
    /// <summary>Refusal rates per defence, stage, label (safe, unsafe) and judge.</summary>
    public required IReadOnlyList<RefusalRow> Refusal { get; init; }
}
