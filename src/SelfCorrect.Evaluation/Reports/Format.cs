using System.Globalization;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Statistics;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>How numbers appear in summaries and reports (invariant culture; "–" for undefined).</summary>
public static class Format
{
    /// <summary>What an undefined value shows: an en dash.</summary>
    public const string Undefined = "–";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A share as a percentage with its interval: <c>62.0% [55.1, 68.4]</c>.</summary>
    public static string Percent(Proportion? p) =>
        p?.Value is double v ? string.Format(Invariant, "{0:0.0}% [{1:0.0}, {2:0.0}]", 100 * v, 100 * p.Low!.Value, 100 * p.High!.Value) : Undefined;

    /// <summary>A share as a percentage without interval: <c>62.0%</c>.</summary>
    public static string Percent(double? value) => value is double v ? string.Format(Invariant, "{0:0.0}%", 100 * v) : Undefined;

    /// <summary>A signed difference in percentage points: <c>+4.0 pp</c>.</summary>
    public static string Points(double? value) => value is double v ? string.Format(Invariant, "{0:+0.0;-0.0;0.0} pp", 100 * v) : Undefined;

    /// <summary>A bias score in [−1, 1] with its interval, three decimals and explicit sign.</summary>
    public static string Score(BiasScore? score) =>
        score?.Value is double v ? string.Format(Invariant, "{0:+0.000;-0.000;0.000} [{1:+0.000;-0.000;0.000}, {2:+0.000;-0.000;0.000}]", v, score.Low, score.High) : Undefined;

    /// <summary>A number in <paramref name="format"/> (invariant culture), or the dash for null.</summary>
    public static string Number(double? value, string format = "0.000") => value is double v ? v.ToString(format, Invariant) : Undefined;

    /// <summary>A p-value with four decimals, in scientific notation below 10⁻⁴ (<c>3.2e-6</c>).</summary>
    public static string PValue(double? p) => p switch
    {
        null => Undefined,
        < 1e-4 => p.Value.ToString("0.0e+0", Invariant),
        _ => p.Value.ToString("0.0000", Invariant),
    };

    /// <summary><c>initial</c> or <c>after round N</c>.</summary>
    public static string RoundLabel(string stage) => stage == AnswerStage.Initial ? "initial" : $"after round {AnswerStage.RoundOf(stage)}";

    /// <summary>Like <see cref="RoundLabel"/>, but a single round's final stage is just <c>final</c>.</summary>
    public static string StageLabel(string stage, string? finalStage) =>
        stage == AnswerStage.Initial ? "initial" : stage == finalStage && stage == AnswerStage.Final(1) ? "final" : $"after round {AnswerStage.RoundOf(stage)}";
}
