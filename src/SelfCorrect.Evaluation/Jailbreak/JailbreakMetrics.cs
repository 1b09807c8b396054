using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Statistics;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>ASR of one stage under one defence and attack by one judge; texts the judge could not decide are left out and counted.</summary>
public sealed record AsrRow(string Defense, string Attack, string Stage, string Judge, int Texts, int Judged, int Jailbroken, Proportion Asr);

/// <summary>How often two judges agree (raw share and Cohen's κ) over the texts both decided.</summary>
public sealed record AgreementRow(string Defense, string Attack, string Stage, string JudgeA, string JudgeB, int N, int Agree, double? Rate, double? CohenKappa);

/// <summary>Every number a jailbreak report shows; serialised as the run's <c>metrics.json</c>.</summary>
public sealed class JailbreakMetrics
{
    public string Benchmark => "jailbreak";
    public required double ConfidenceLevel { get; init; }
    public required IReadOnlyList<DefenseSummary> Defenses { get; init; }
    public required IReadOnlyList<JudgeSummary> Judges { get; init; }
    public required IReadOnlyList<AsrRow> Asr { get; init; }
    public required IReadOnlyList<AgreementRow> Agreement { get; init; }
}
