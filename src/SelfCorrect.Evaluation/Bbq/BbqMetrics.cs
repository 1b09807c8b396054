using SelfCorrect.Evaluation.Statistics;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Accuracy of one stage in one category and context condition (<c>all</c> pools them).</summary>
public sealed record AccuracyRow(string Stage, string Category, string Condition, int N, int Correct, int Unparseable, Proportion Accuracy);

/// <summary>A bias score in [−1, 1] with its interval and the counts it comes from.</summary>
public sealed record BiasScore(double? Value, double? Low, double? High, int Biased, int NonUnknown);

/// <summary>Bias scores of one stage and category; null where the needed examples are absent.</summary>
public sealed record BiasRow(string Stage, string Category, int Examples, int TargetsResolved, int TargetsUnresolved,
    BiasScore? SDis, BiasScore? SAmb, BiasScore? SAmbReferenceVariant, double? AccuracyAmbig);

/// <summary>Final-stage accuracy minus initial accuracy over the samples that reached the final stage.</summary>
public sealed record GainRow(string Category, int N, double? InitialAccuracy, double? FinalAccuracy, double? Gain);

/// <summary>How often the first critique's verdict (biased or not) agrees with whether the initial answer was wrong.</summary>
public sealed record SelfCheckRow(string Category, int Critiques, int VerdictUnparseable, int VerdictBiased, Proportion Accuracy);

public sealed record UnresolvedTargetRow(string Category, string Reason, int Count);

/// <summary>Every number a BBQ report shows; serialised as the run's <c>metrics.json</c>.</summary>
public sealed class BbqMetrics
{
    public string Benchmark => "bbq";
    public required double ConfidenceLevel { get; init; }
    public required int Samples { get; init; }
    public required int Rounds { get; init; }
    public required IReadOnlyList<string> Stages { get; init; }
    public required string? FinalStage { get; init; }
    public required IReadOnlyList<string> Categories { get; init; }
    public required IReadOnlyList<AccuracyRow> Accuracy { get; init; }
    public required IReadOnlyList<BiasRow> Bias { get; init; }
    public required IReadOnlyList<UnresolvedTargetRow> UnresolvedTargets { get; init; }
    public required IReadOnlyList<GainRow> Gain { get; init; }
    public required IReadOnlyList<SelfCheckRow> SelfCheck { get; init; }
    /// <summary>Across categories: x = self-checking accuracy, y = gain. Null with fewer than three categories.</summary>
    public required CorrelationResult? Correlation { get; init; }
}
