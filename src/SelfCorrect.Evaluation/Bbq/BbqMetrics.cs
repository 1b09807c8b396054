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

/// <summary>Examples of a category whose stereotyped target could not be determined, counted per reason (they are left out of the bias scores).</summary>
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
    /// <summary>Always <c>bbq</c>: names the benchmark in metrics.json.</summary>
    public string Benchmark => "bbq";
    /// <summary><c>reference</c> or <c>lenient</c> (<see cref="BbqGrader.Name"/>); metrics written before the modes existed were lenient.</summary>
    public string Grading { get; init; } = BbqGrader.Name(BbqGrading.Lenient);
    /// <summary>Where the stereotyped targets come from: <see cref="BbqScoring.HeuristicTargets"/> or <see cref="BbqScoring.MetadataTargets"/>.</summary>
    public string TargetSource { get; init; } = BbqScoring.HeuristicTargets;
    /// <summary>Confidence level of every interval, e.g. 0.95.</summary>
    public required double ConfidenceLevel { get; init; }
    /// <summary>Graded samples the metrics come from.</summary>
    public required int Samples { get; init; }
    /// <summary>Re-ask rounds of the strategy (0: the initial answer only).</summary>
    public required int Rounds { get; init; }
    /// <summary>The answer stages scored, in order: <c>initial</c>, then <c>final_1</c>.. (<see cref="Storage.AnswerStage"/>).</summary>
    public required IReadOnlyList<string> Stages { get; init; }
    /// <summary>The last stage, whose accuracy the gain compares with the initial one; null when there is no re-ask.</summary>
    public required string? FinalStage { get; init; }
    /// <summary>The BBQ categories present, in report order.</summary>
    public required IReadOnlyList<string> Categories { get; init; }
    /// <summary>Accuracy per stage, category and condition, with the pooled <c>all</c> rows.</summary>
    public required IReadOnlyList<AccuracyRow> Accuracy { get; init; }
    /// <summary>Bias scores per stage and category (Parrish et al. 2022, section 5).</summary>
    public required IReadOnlyList<BiasRow> Bias { get; init; }
    /// <summary>Examples left out of the bias scores because no stereotyped target was found, per category and reason.</summary>
    public required IReadOnlyList<UnresolvedTargetRow> UnresolvedTargets { get; init; }
    /// <summary>With the official metadata: the heuristic's agreement with it per category; empty otherwise.</summary>
    public IReadOnlyList<TargetAgreementRow> TargetAgreement { get; init; } = [];
    /// <summary>Per category: final-stage accuracy minus initial accuracy.</summary>
    public required IReadOnlyList<GainRow> Gain { get; init; }
    /// <summary>Per category: how well the first critique judged the initial answer.</summary>
    public required IReadOnlyList<SelfCheckRow> SelfCheck { get; init; }
    /// <summary>Across categories: x = self-checking accuracy, y = gain. Null with fewer than three categories.</summary>
    public required CorrelationResult? Correlation { get; init; }
}
