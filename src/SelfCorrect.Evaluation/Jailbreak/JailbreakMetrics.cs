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
    /// <summary>Always <c>jailbreak</c>: names the benchmark in metrics.json.</summary>
    public string Benchmark => "jailbreak";
    /// <summary>Confidence level of every interval, e.g. 0.95.</summary>
    public required double ConfidenceLevel { get; init; }
    /// <summary>The defences compared, with their stages and record counts.</summary>
    public required IReadOnlyList<DefenseSummary> Defenses { get; init; }
    /// <summary>The judges that scored the answers.</summary>
    public required IReadOnlyList<JudgeSummary> Judges { get; init; }
    /// <summary>Attack success rate per defence, attack, stage and judge.</summary>
    public required IReadOnlyList<AsrRow> Asr { get; init; }
    /// <summary>Pairwise judge agreement per defence, attack and stage (empty with one judge).</summary>
    public required IReadOnlyList<AgreementRow> Agreement { get; init; }
}
