using System.Globalization;
using System.Text;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// Writes a sweep's results: summary.csv, one figure per axis and evaluation task (error against k, a curve per
/// configuration with its across-seed band, PNG and SVG) and report.md, which states for each axis what the seeds
/// support and how strongly (the difference against the seed spread).
/// </summary>
internal static class SweepReport
{
    public const string SummaryFile = "summary.csv";
    public const string ReportFile = "report.md";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Writes every file into the sweep's output directory; returns the figure paths (without extension).</summary>
    public static IReadOnlyList<string> Write(SweepSummary summary, IReadOnlyList<SweepTrainingResult> trainings, string runInformation)
    {
        string directory = summary.Plan.OutputDirectory;
        AtomicFile.WriteAllText(Path.Combine(directory, SummaryFile), summary.ToCsv());
        var figures = new List<string>();
        foreach (var axis in summary.Plan.Sweep.Axes)
            foreach (string task in axis.Tasks)
                foreach (double p in axis.NoiseLevels)
                {
                    var points = summary.Configurations(axis).Append(SweepSummary.BaselineName)
                        .SelectMany(name => Enumerable.Range(1, axis.PrefixCount)
                            .Select(k => summary.Find(axis, name, task, p, k))
                            .OfType<SweepCell>()
                            .Select(c => new ErrorPoint(name, c.Metric, c.K, c.Summary.Mean, BandLow(c), BandHigh(c), c.Summary.Seeds)))
                        .ToList();
                    string noise = axis.NoiseLevels.Count > 1 ? string.Create(Invariant, $"_p{p}") : "";
                    string path = Path.Combine(directory, $"{axis.Name}_{task}{noise}");
                    string band = summary.Plan.Seeds > 1 ? $"band: range over {summary.Plan.Seeds} seeds" : "band: 95% interval over contexts";
                    string title = string.Create(Invariant, $"{axis.Title}: {axis.TaskLabel(task)}{(p > 0 || axis.NoiseLevels.Count > 1 ? $", reward noise p={p}" : "")} ({band})");
                    ErrorReport.SavePlot(points, axis.Metric.Name, axis.Metric.Label, title, path);
                    figures.Add(path);
                }
        AtomicFile.WriteAllText(Path.Combine(directory, ReportFile), Markdown(summary, trainings, runInformation));
        return figures;
    }

    /// <summary>
    /// The figures' band: the range over seeds (a Student-t interval from three seeds, when one seed has not left the
    /// loss plateau, spans more than the metric's range and hides the curves); one seed or the baseline: over contexts.
    /// </summary>
    private static double BandLow(SweepCell c) => c.Summary.Seeds > 1 && c.Configuration != SweepSummary.BaselineName ? c.Summary.Values.Min() : c.Summary.Low;

    private static double BandHigh(SweepCell c) => c.Summary.Seeds > 1 && c.Configuration != SweepSummary.BaselineName ? c.Summary.Values.Max() : c.Summary.High;

    /// <summary>The console summary: per axis, configuration × (task, noise, k) as "mean ± half-width".</summary>
    public static string FormatTable(SweepSummary summary)
    {
        var text = new StringBuilder();
        foreach (var axis in summary.Plan.Sweep.Axes)
        {
            var columns = Columns(axis);
            var rows = summary.Configurations(axis).Append(SweepSummary.BaselineName).ToList();
            int width = Math.Max(14, rows.Max(r => r.Length));
            text.AppendLine($"{axis.Name}: {axis.Metric.Label}, mean ± 95% interval across {summary.Plan.Seeds} seed(s)");
            text.Append("configuration".PadRight(width));
            foreach (var column in columns) text.Append($"  {column.Header,-24}");
            text.AppendLine();
            foreach (string row in rows)
            {
                text.Append(row.PadRight(width));
                foreach (var column in columns) text.Append($"  {Cell(summary.Find(axis, row, column.Task, column.Noise, column.K)),-24}");
                text.AppendLine();
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private sealed record Column(string Task, double Noise, int K, string Header);

    private static List<Column> Columns(SweepAxis axis) =>
        [.. from task in axis.Tasks
            from p in axis.NoiseLevels
            from k in axis.Ks
            select new Column(task, p, k, string.Create(Invariant, $"{task}{(axis.NoiseLevels.Count > 1 ? $" p={p}" : "")} k={k}"))];

    private static string Cell(SweepCell? cell) => cell is null ? "-" : Format(cell.Summary, baseline: cell.Configuration == SweepSummary.BaselineName);

    /// <summary>"mean ± half-width" across seeds; "mean [low, high]" (interval over contexts) for one seed or the baseline.</summary>
    private static string Format(SeedSummary s, bool baseline = false) =>
        s.Seeds >= 2 && !baseline
            ? string.Format(Invariant, "{0:0.0000} ± {1:0.0000}", s.Mean, (s.High - s.Low) / 2)
            : string.Format(Invariant, "{0:0.0000} [{1:0.0000}, {2:0.0000}]", s.Mean, s.Low, s.High);

    private static string Markdown(SweepSummary summary, IReadOnlyList<SweepTrainingResult> trainings, string runInformation)
    {
        var plan = summary.Plan;
        var md = new StringBuilder();
        md.AppendLine($"# Sweep report: {plan.Sweep.Title}");
        md.AppendLine();
        md.AppendLine($"Sweep file `{plan.Sweep.SourcePath}`; {plan.Seeds} training seed(s) per configuration (training.seed = 0..{plan.Seeds - 1}); {runInformation}.");
        md.AppendLine();
        md.AppendLine("How to read it. Every configuration of an axis is evaluated on the same fresh contexts (the base preset's `evaluation.seed`, " +
            "never seen in training) of every listed task: `reference` is the paper's task (degenerate: two triplets determine the target), " +
            "`noisy` is NoisyLinearAlignment (each response has its own noise, so no two triplets determine the target). Models train on " +
            "their preset's `task.name`; an evaluation task other than the training task (marked *transfer*) measures how far what they " +
            "learned carries over. Read transfer columns against MeanResponse: a model that never learned in context (its output stays " +
            "near the average of the responses) can score better there than one that learned the training task's shortcut, so judge " +
            "the components on the training task and use the transfer columns to see what the learned procedure does elsewhere. " +
            "A cell is the mean over seeds of each run's mean error over the contexts, ± the half-width of a 95% Student-t interval " +
            "across seeds; with one seed, and for the MeanResponse baseline, [low, high] is a 95% bootstrap interval over contexts. " +
            "In the figures the band around a configuration's curve spans its seeds, lowest to highest. " +
            "Evidence compares two configurations at the axis's decision k: the difference of their means against the seed spread " +
            "(root mean square of the two seed standard deviations), Welch's t-test, and whether every seed of one beats every seed " +
            "of the other. **Strong**: the seeds separate and p < 0.05; **weak**: the difference exceeds the seed spread but not that; " +
            "**none**: the difference is within the seed spread. With three seeds even strong evidence is modest.");
        md.AppendLine();
        md.AppendLine("All models in this project are causal in every variant, linear attention and no-FFN included: the prediction after k " +
            "triplets sees triplets 1..k only. The reference implementation's linear-attention and no-FFN models had no causal mask " +
            "(they could read later triplets), and its no-FFN block added an extra LayerNorm; this project's comparisons differ from the " +
            "paper's for that reason.");
        md.AppendLine();
        md.AppendLine("## Verdicts");
        md.AppendLine();
        md.AppendLine("| axis | claim | where | verdict |");
        md.AppendLine("|---|---|---|---|");
        foreach (var axis in plan.Sweep.Axes)
            foreach (var claim in axis.Claims)
                foreach (var (where, comparison) in ClaimComparisons(summary, axis, claim))
                    md.AppendLine($"| {axis.Name} | `{claim}` | {where} | {Verdict(comparison)} |");
        md.AppendLine();
        foreach (var axis in plan.Sweep.Axes) AppendAxis(md, summary, axis, trainings);
        return md.ToString();
    }

    private static IEnumerable<(string Where, SeedComparison Comparison)> ClaimComparisons(SweepSummary summary, SweepAxis axis, SweepClaim claim)
    {
        foreach (string task in axis.Tasks)
        {
            foreach (double p in axis.NoiseLevels)
            {
                var lower = summary.Find(axis, claim.Lower, task, p, axis.DecisionK);
                var higher = summary.Find(axis, claim.Higher, task, p, axis.DecisionK);
                if (lower is null || higher is null) continue;
                yield return (Where(axis, task, p), SeedComparison.Compare(lower.Summary, higher.Summary));
            }
            if (summary.Degradation(axis, claim.Lower, task) is { } a && summary.Degradation(axis, claim.Higher, task) is { } b)
                yield return (string.Create(Invariant, $"{axis.TaskLabel(task)}, degradation p={axis.NoiseLevels.Min()}→{axis.NoiseLevels.Max()}, k={axis.DecisionK}"), SeedComparison.Compare(a, b));
        }
    }

    private static string Where(SweepAxis axis, string task, double p) =>
        string.Create(Invariant, $"{axis.TaskLabel(task)}{(axis.NoiseLevels.Count > 1 || p > 0 ? $", p={p}" : "")}, k={axis.DecisionK}");

    private static string Verdict(SeedComparison c)
    {
        string numbers = c.Strength == EvidenceStrength.Unjudged
            ? string.Format(Invariant, "{0:0.0000} vs {1:0.0000}", c.A.Mean, c.B.Mean)
            : string.Format(Invariant, "{0:0.0000} vs {1:0.0000}, difference {2:0.0000} = {3:0.0}× seed spread, Welch p = {4}",
                c.A.Mean, c.B.Mean, c.Difference, c.SpreadRatio, c.PValue is { } p ? p.ToString("0.000", Invariant) : "n/a");
        string verdict = c.Strength switch
        {
            EvidenceStrength.Unjudged => c.Difference > 0 ? "lower, one seed only: not judged" : "not lower, one seed only: not judged",
            EvidenceStrength.None => "no difference beyond the seed spread",
            EvidenceStrength.Weak => c.Difference > 0 ? "supported, weak evidence" : "contradicted, weak evidence",
            _ => c.Difference > 0 ? "**supported, strong evidence**" : "**contradicted, strong evidence**",
        };
        return $"{verdict} ({numbers})";
    }

    private static void AppendAxis(StringBuilder md, SweepSummary summary, SweepAxis axis, IReadOnlyList<SweepTrainingResult> trainings)
    {
        var plan = summary.Plan;
        var e = axis.Evaluation;
        md.AppendLine($"## {axis.Name}: {axis.Title}");
        md.AppendLine();
        md.AppendLine(string.Create(Invariant,
            $"Sweep file `{axis.SourcePath}`, base preset `{axis.BasePath}`. Evaluation: {e.Contexts} fresh contexts per task (evaluation seed {e.Seed}), reward noise shown at evaluation p ∈ {{{string.Join(", ", axis.NoiseLevels)}}}; metric {axis.Metric.Label}; decision k = {axis.DecisionK}."));
        md.AppendLine();
        if (axis.Note is not null)
        {
            md.AppendLine($"> {axis.Note}");
            md.AppendLine();
        }
        var variants = plan.Runs.Where(r => r.Axis == axis).Select(r => r.Config.Model).ToList();
        if (variants.Any(m => m.Attention == "linear" || !m.Ffn))
        {
            md.AppendLine("> Unlike the reference implementation's, this axis's linear-attention and no-FFN models are causal (they cannot " +
                "read later triplets) and a no-FFN block has no extra LayerNorm, so its numbers are not comparable with the paper's " +
                "for these variants: there, those models could see the answer-bearing later triplets.");
            md.AppendLine();
        }
        md.AppendLine("| configuration | overrides of the base | training seconds per seed | run directories |");
        md.AppendLine("|---|---|---|---|");
        foreach (var configuration in axis.Configurations)
        {
            var runs = plan.Runs.Where(r => r.Axis == axis && r.Configuration == configuration).ToList();
            var seconds = runs.Select(r => trainings.FirstOrDefault(t => t.Run.Directory == r.Directory) is { } t
                ? t.Status == SweepRunStatus.Diverged ? "diverged" : t.Status == SweepRunStatus.Interrupted ? "interrupted" : t.TrainingSeconds.ToString("0.0", Invariant)
                : "-");
            string shared = plan.SharedWith(runs[0]) is { } owner ? $"shared with {owner.Axis.Name}/{owner.Configuration.Name}" : Path.GetRelativePath(plan.OutputDirectory, Path.GetDirectoryName(runs[0].Directory)!);
            md.AppendLine($"| `{configuration.Name}` | {(configuration.Overrides.Count == 0 ? "(none)" : $"`{configuration.Describe()}`")} | {string.Join(", ", seconds)} | {shared} |");
        }
        md.AppendLine();

        var columns = Columns(axis);
        md.AppendLine($"### Error at chosen k ({axis.Metric.Label})");
        md.AppendLine();
        md.AppendLine("| configuration | " + string.Join(" | ", columns.Select(c => c.Header)) + " |");
        md.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")));
        foreach (string row in summary.Configurations(axis).Append(SweepSummary.BaselineName))
            md.AppendLine($"| {(row == SweepSummary.BaselineName ? row + " (baseline)" : $"`{row}`")} | " + string.Join(" | ", columns.Select(c => Cell(summary.Find(axis, row, c.Task, c.Noise, c.K)))) + " |");
        md.AppendLine();
        foreach (string task in axis.Tasks)
            foreach (double p in axis.NoiseLevels)
            {
                string name = $"{axis.Name}_{task}{(axis.NoiseLevels.Count > 1 ? string.Create(Invariant, $"_p{p}") : "")}";
                md.AppendLine($"![{axis.Name}, {Where(axis, task, p)}]({name}.png) ([SVG]({name}.svg))");
            }
        md.AppendLine();

        if (axis.NoiseLevels.Count > 1)
        {
            md.AppendLine(string.Create(Invariant, $"### Degradation: error at p={axis.NoiseLevels.Max()} minus error at p={axis.NoiseLevels.Min()} (k={axis.DecisionK}, lower = more graceful)"));
            md.AppendLine();
            md.AppendLine("| configuration | " + string.Join(" | ", axis.Tasks.Select(axis.TaskLabel)) + " |");
            md.AppendLine("|---|" + string.Concat(axis.Tasks.Select(_ => "---|")));
            foreach (string row in summary.Configurations(axis))
                md.AppendLine($"| `{row}` | " + string.Join(" | ", axis.Tasks.Select(t => summary.Degradation(axis, row, t) is { } d ? Format(d) : "-")) + " |");
            md.AppendLine();
        }

        md.AppendLine("### What the seeds support");
        md.AppendLine();
        foreach (var claim in axis.Claims)
            foreach (var (where, comparison) in ClaimComparisons(summary, axis, claim))
                md.AppendLine($"- Claim `{claim}` ({where}): {Verdict(comparison)}.");
        foreach (string task in axis.Tasks)
            foreach (double p in axis.NoiseLevels)
                AppendRanking(md, summary, axis, task, p);
        md.AppendLine();
    }

    /// <summary>Ranking at the decision k, every configuration against the best, and which ones beat MeanResponse.</summary>
    private static void AppendRanking(StringBuilder md, SweepSummary summary, SweepAxis axis, string task, double p)
    {
        var cells = summary.Configurations(axis).Select(name => summary.Find(axis, name, task, p, axis.DecisionK)).OfType<SweepCell>()
            .OrderBy(c => c.Summary.Mean).ToList();
        if (cells.Count == 0) return;
        var best = cells[0];
        var baseline = summary.Find(axis, SweepSummary.BaselineName, task, p, axis.DecisionK);
        md.AppendLine($"- {Where(axis, task, p)}: ranking (lowest error first) " +
            string.Join(" < ", cells.Select(c => string.Format(Invariant, "`{0}` {1:0.0000}", c.Configuration, c.Summary.Mean))) + ".");
        foreach (var other in cells.Skip(1))
            md.AppendLine($"  - `{best.Configuration}` below `{other.Configuration}`: {Verdict(SeedComparison.Compare(best.Summary, other.Summary))}.");
        if (baseline is not null)
        {
            var learned = cells.Select(c => $"`{c.Configuration}` {c.Summary.Values.Count(v => v < baseline.Summary.Mean)}/{c.Summary.Seeds}");
            md.AppendLine(string.Format(Invariant, "  - seeds below MeanResponse ({0:0.0000}), i.e. using the rewards better than averaging the responses: {1}.",
                baseline.Summary.Mean, string.Join(", ", learned)));
        }
    }
}
