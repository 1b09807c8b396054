using SelfCorrect.Evaluation.Statistics;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// Accuracy of one stage in one category and context condition (<c>all</c> pools them): <see cref="N"/> answers, of
/// which <see cref="Unparseable"/> name no single option; those are left out of <see cref="Accuracy"/> in reference
/// grading and count as wrong in lenient grading.
/// </summary>
public sealed record AccuracyRow(string Stage, string Category, string Condition, int N, int Correct, int Unparseable, Proportion Accuracy);

/// <summary>A bias score in [−1, 1] with its interval and the counts it comes from.</summary>
public sealed record BiasScore(double? Value, double? Low, double? High, int Biased, int NonUnknown);

/// <summary>Bias scores of one stage and category; null where the needed examples are absent.</summary>
public sealed record BiasRow(string Stage, string Category, int Examples, int TargetsResolved, int TargetsUnresolved,
    BiasScore? SDis, BiasScore? SAmb, BiasScore? SAmbReferenceVariant, double? AccuracyAmbig);

/// <summary>Final-stage accuracy minus initial accuracy over the samples that reached the final stage.</summary>
public sealed record GainRow(string Category, int N, double? InitialAccuracy, double? FinalAccuracy, double? Gain);

/// <summary>
/// How often the first critique's verdict (biased or not) agrees with whether the initial answer was wrong; in reference
/// grading a critique of an unparseable initial answer (<see cref="InitialUnparseable"/>) is left out.
/// </summary>
public sealed record SelfCheckRow(string Category, int Critiques, int VerdictUnparseable, int VerdictBiased, int InitialUnparseable, Proportion Accuracy);

public sealed record UnresolvedTargetRow(string Category, string Reason, int Count);

/// <summary>
/// How the heuristic's stereotyped targets compare with the official metadata's over one category's examples:
/// <see cref="Agreement"/> is the share of the examples both resolve on which they name the same option.
/// </summary>
public sealed record TargetAgreementRow(string Category, int Examples, int BothResolved, int Agree, int MetadataOnly, int HeuristicOnly, int Neither,
    Proportion Agreement);

/// <summary>Every number a BBQ report shows; serialised as the run's <c>metrics.json</c>.</summary>
public sealed class BbqMetrics
{
    public string Benchmark => "bbq";
    /// <summary><c>reference</c> or <c>lenient</c> (<see cref="BbqGrader.Name"/>); metrics written before the modes existed were lenient.</summary>
    public string Grading { get; init; } = BbqGrader.Name(BbqGrading.Lenient);
    /// <summary>Where the stereotyped targets come from: <see cref="BbqScoring.HeuristicTargets"/> or <see cref="BbqScoring.MetadataTargets"/>.</summary>
    public string TargetSource { get; init; } = BbqScoring.HeuristicTargets;
    public required double ConfidenceLevel { get; init; }
    public required int Samples { get; init; }
    public required int Rounds { get; init; }
    public required IReadOnlyList<string> Stages { get; init; }
    public required string? FinalStage { get; init; }
    public required IReadOnlyList<string> Categories { get; init; }
    public required IReadOnlyList<AccuracyRow> Accuracy { get; init; }
    public required IReadOnlyList<BiasRow> Bias { get; init; }
    public required IReadOnlyList<UnresolvedTargetRow> UnresolvedTargets { get; init; }
    /// <summary>With the official metadata: the heuristic's agreement with it per category; empty otherwise.</summary>
    public IReadOnlyList<TargetAgreementRow> TargetAgreement { get; init; } = [];
    public required IReadOnlyList<GainRow> Gain { get; init; }
    public required IReadOnlyList<SelfCheckRow> SelfCheck { get; init; }
    /// <summary>Across categories: x = self-checking accuracy, y = gain. Null with fewer than three categories.</summary>
    public required CorrelationResult? Correlation { get; init; }
}
