using System.Globalization;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>The tables of BBQ metrics, for one run or several side by side (one column group per run).</summary>
public static class BbqTables
{
    /// <summary>Accuracy per category (all conditions pooled): initial, final and gain per run.</summary>
    public static Table Accuracy(IReadOnlyList<(string Label, BbqMetrics Metrics)> runs)
    {
        var headers = new List<string> { "category" };
        foreach (var (label, metrics) in runs)
        {
            string prefix = runs.Count > 1 ? label + ": " : "";
            headers.Add(prefix + "n");
            headers.Add(prefix + "initial");
            if (metrics.FinalStage is not null)
            {
                headers.Add(prefix + Format.StageLabel(metrics.FinalStage, metrics.FinalStage));
                headers.Add(prefix + "gain");
            }
        }
        var rows = Categories(runs.Select(r => r.Metrics)).Select(category =>
        {
            var row = new List<string> { category };
            foreach (var (_, metrics) in runs)
            {
                var initial = Find(metrics, AnswerStage.Initial, category, BbqScoring.AllConditions);
                row.Add(initial?.N.ToString(CultureInfo.InvariantCulture) ?? Format.Undefined);
                row.Add(Format.Percent(initial?.Accuracy));
                if (metrics.FinalStage is not null)
                {
                    row.Add(Format.Percent(Find(metrics, metrics.FinalStage, category, BbqScoring.AllConditions)?.Accuracy));
                    row.Add(Format.Points(metrics.Gain.FirstOrDefault(g => g.Category == category)?.Gain));
                }
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new Table(headers, rows);
    }

    /// <summary>Accuracy per category and context condition for every stage, with unparseable answers counted.</summary>
    public static Table AccuracyByCondition(BbqMetrics metrics)
    {
        var headers = new List<string> { "category", "condition", "n" };
        foreach (string stage in metrics.Stages)
        {
            headers.Add($"{Format.StageLabel(stage, metrics.FinalStage)} accuracy");
            headers.Add($"{Format.StageLabel(stage, metrics.FinalStage)} unparseable");
        }
        var rows = metrics.Accuracy.Where(a => a.Stage == AnswerStage.Initial).Select(first =>
        {
            var row = new List<string> { first.Category, first.Condition, first.N.ToString(CultureInfo.InvariantCulture) };
            foreach (string stage in metrics.Stages)
            {
                var cell = Find(metrics, stage, first.Category, first.Condition);
                row.Add(Format.Percent(cell?.Accuracy));
                row.Add(cell?.Unparseable.ToString(CultureInfo.InvariantCulture) ?? Format.Undefined);
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new Table(headers, rows);
    }

    /// <summary>s_DIS, s_AMB and the reference-code s_AMB variant per category and stage, with target resolution counts.</summary>
    public static Table Bias(BbqMetrics metrics)
    {
        var headers = new List<string> { "category", "targets resolved", "unresolved" };
        foreach (string stage in metrics.Stages)
        {
            string label = Format.StageLabel(stage, metrics.FinalStage);
            headers.AddRange([$"{label} s_DIS", $"{label} s_AMB", $"{label} s_AMB (reference-code variant)"]);
        }
        var rows = metrics.Bias.Where(b => b.Stage == AnswerStage.Initial).Select(first =>
        {
            var row = new List<string> { first.Category, first.TargetsResolved.ToString(CultureInfo.InvariantCulture), first.TargetsUnresolved.ToString(CultureInfo.InvariantCulture) };
            foreach (string stage in metrics.Stages)
            {
                var cell = metrics.Bias.FirstOrDefault(b => b.Stage == stage && b.Category == first.Category);
                row.AddRange([Format.Score(cell?.SDis), Format.Score(cell?.SAmb), Format.Score(cell?.SAmbReferenceVariant)]);
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new Table(headers, rows);
    }

    /// <summary>Self-checking accuracy per category next to the gain it is correlated with.</summary>
    public static Table SelfCheck(BbqMetrics metrics) => new(
        ["category", "critiques", "verdict unparseable", "verdict: biased", "initial answer unparseable", "self-checking accuracy", "gain"],
        metrics.SelfCheck.Select(s => (IReadOnlyList<string>)
        [
            s.Category, Count(s.Critiques), Count(s.VerdictUnparseable), Count(s.VerdictBiased), Count(s.InitialUnparseable), Format.Percent(s.Accuracy),
            Format.Points(metrics.Gain.FirstOrDefault(g => g.Category == s.Category)?.Gain),
        ]).ToList());

    /// <summary>Per run: Pearson r with its p-value, Spearman ρ and the least-squares line of gain against self-checking accuracy across categories.</summary>
    public static Table Correlation(IReadOnlyList<(string Label, BbqMetrics Metrics)> runs) => new(
        ["run", "categories", "Pearson r", "p (two-sided)", "Spearman ρ", "fit: gain ="],
        runs.Select(r => (IReadOnlyList<string>)(r.Metrics.Correlation is { } c
            ? [r.Label, Count(c.N), Format.Number(c.PearsonR), Format.PValue(c.PValue), Format.Number(c.SpearmanRho),
               string.Format(CultureInfo.InvariantCulture, "{0:0.000} × self-check {1:+0.000;-0.000}", c.Slope, c.Intercept)]
            : [r.Label, Format.Undefined, Format.Undefined, Format.Undefined, Format.Undefined, "needs ≥ 3 categories with critiques and varying values"])).ToList());

    /// <summary>Examples without a stereotyped target, per category and reason.</summary>
    public static Table UnresolvedTargets(BbqMetrics metrics) => new(
        ["category", "reason", "examples"],
        metrics.UnresolvedTargets.Select(u => (IReadOnlyList<string>)[u.Category, u.Reason, Count(u.Count)]).ToList());

    /// <summary>The heuristic's stereotyped targets against the official metadata's, per category.</summary>
    public static Table TargetAgreement(BbqMetrics metrics) => new(
        ["category", "examples", "both resolved", "agree", "agreement", "metadata only", "heuristic only", "neither"],
        metrics.TargetAgreement.Select(a => (IReadOnlyList<string>)
        [
            a.Category, Count(a.Examples), Count(a.BothResolved), Count(a.Agree), Format.Percent(a.Agreement), Count(a.MetadataOnly),
            Count(a.HeuristicOnly), Count(a.Neither),
        ]).ToList());

    /// <summary>How accuracy treats unparseable answers under the run's grading mode, for headings and captions.</summary>
    public static string GradingNote(BbqMetrics metrics) => metrics.Grading == BbqGrader.Name(BbqGrading.Reference)
        ? "reference grading: unparseable answers are left out of accuracy"
        : "lenient grading: unparseable answers count as wrong";

    /// <summary>A console summary of one run: accuracy, overall bias scores, self-checking and the correlation.</summary>
    public static string Summary(BbqMetrics metrics)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"accuracy per category ({GradingNote(metrics)}), 95% Wilson intervals:");
        text.Append(Accuracy([("", metrics)]).ToText());
        foreach (string stage in metrics.Stages)
        {
            var all = metrics.Bias.FirstOrDefault(b => b.Stage == stage && b.Category == BbqScoring.AllCategories);
            var pooled = Find(metrics, stage, BbqScoring.AllCategories, BbqScoring.AllConditions);
            text.AppendLine($"{Format.StageLabel(stage, metrics.FinalStage)}: unparseable {pooled?.Unparseable ?? 0}/{pooled?.N ?? 0}, "
                + $"s_DIS {Format.Score(all?.SDis)}, s_AMB {Format.Score(all?.SAmb)}");
        }
        if (metrics.SelfCheck.FirstOrDefault(s => s.Category == BbqScoring.AllCategories) is { } overall)
            text.AppendLine($"self-checking accuracy {Format.Percent(overall.Accuracy)} ({overall.VerdictUnparseable} critiques without a verdict)");
        if (metrics.Correlation is { } c)
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, "gain vs self-checking accuracy over {0} categories: Pearson r = {1:0.000} (p = {2}), Spearman ρ = {3:0.000}",
                c.N, c.PearsonR, Format.PValue(c.PValue), c.SpearmanRho));
        return text.ToString();
    }

    private static AccuracyRow? Find(BbqMetrics metrics, string stage, string category, string condition) =>
        metrics.Accuracy.FirstOrDefault(a => a.Stage == stage && a.Category == category && a.Condition == condition);

    private static IEnumerable<string> Categories(IEnumerable<BbqMetrics> runs) =>
        runs.SelectMany(m => m.Categories).Distinct().Order(StringComparer.Ordinal).Append(BbqScoring.AllCategories);

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
