using System.Globalization;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>
/// <c>report.md</c> and a self-contained <c>report.html</c> for one or several run directories side by side: BBQ
/// accuracy before/after per category, bias scores, gain vs self-checking accuracy with its fit and r/p; ASR per
/// defence and round per judge; XSTest refusal rates on safe against unsafe prompts, with the ASR of a jailbreak run
/// of the same model beside them; and every setting that produced the numbers.
/// </summary>
public static class ReportWriter
{
    /// <summary>The Markdown report's file name.</summary>
    public const string MarkdownFile = "report.md";
    /// <summary>The self-contained HTML report's file name (figures inlined).</summary>
    public const string HtmlFile = "report.html";

    /// <summary>
    /// Where the report went, the files written (report.md, report.html and the PNG figures), and one line per sharded
    /// run with shards missing or unfinished, for the console.
    /// </summary>
    public sealed record Result(string Directory, IReadOnlyList<string> Files, IReadOnlyList<string> Gaps);

    /// <summary>Reads every directory's metrics.json and settings, then writes the report and its figures; bad input names the setting.</summary>
    public static Result Write(ReportRequest request)
    {
        request.Validate();
        string outDirectory = request.ResolvedOutDirectory;
        var runs = Labels(request.RunDirectories).Select(r => ReportedRun.Load(r.Directory, r.Label)).ToList();
        Directory.CreateDirectory(outDirectory);
        var document = new ReportDocument();
        var files = new List<string>();
        document.AddHeading(1, "SelfCorrect evaluation report");
        document.AddTable(new Table(["run", "directory", "benchmark", "model", "protocol", "method", "samples", "complete"],
            runs.Select(r => (IReadOnlyList<string>)[r.Label, Path.GetFullPath(r.Directory), (string?)r.Metrics["benchmark"] ?? "?", Model(r),
                EvaluationProtocol.Summary(r.Settings?["protocol"]), Method(r), r.Coverage,
                r.Complete ? "yes" : r.ShardGaps is { } gaps ? $"NO ({gaps})" : "NO (partial run)"]).ToList()));
        foreach (var run in runs)
            foreach (string deviation in ProtocolDeviations.Read(run.Metrics))
                document.AddParagraph($"Protocol deviation in {run.Label}: {deviation}.");

        var bbq = runs.Where(r => r.Bbq is not null).Select(r => (r.Label, Metrics: r.Bbq!)).ToList();
        if (bbq.Count > 0) AddBbq(document, bbq, outDirectory, files);
        var jailbreak = runs.Where(r => r.Jailbreak is not null).Select(r => (r.Label, Metrics: r.Jailbreak!)).ToList();
        if (jailbreak.Count > 0) AddJailbreak(document, jailbreak, outDirectory, files);
        var overrefusal = runs.Where(r => r.Overrefusal is not null).ToList();
        if (overrefusal.Count > 0) AddOverrefusal(document, overrefusal, runs.Where(r => r.Jailbreak is not null).ToList(), outDirectory, files);

        document.AddHeading(2, "Settings");
        document.AddParagraph("Every setting recorded with each run (settings.json) or rescoring (scoring.json): data files with their SHA-256, model, strategy and every prompt, judges, seeds.");
        foreach (var run in runs)
        {
            document.AddHeading(3, run.Label);
            if (run.Settings is not null) document.AddCode($"{run.Label}: settings.json", run.Settings.ToJsonString(EvaluationJson.Indented));
            if (run.Scoring is not null) document.AddCode($"{run.Label}: scoring.json", run.Scoring.ToJsonString(EvaluationJson.Indented));
            if (run.Settings is null && run.Scoring is null) document.AddParagraph("No settings recorded in this directory.");
        }

        string markdown = Path.Combine(outDirectory, MarkdownFile), html = Path.Combine(outDirectory, HtmlFile);
        AtomicFile.WriteAllText(markdown, document.ToMarkdown());
        AtomicFile.WriteAllText(html, document.ToHtml("SelfCorrect evaluation report", outDirectory));
        files.Add(markdown);
        return new Result(outDirectory, files, [.. runs.Where(r => r.ShardGaps is not null).Select(r => $"{r.Label}: {r.ShardGaps}; the metrics cover only the records written so far")]);
    }

    private static void AddBbq(ReportDocument document, List<(string Label, BbqMetrics Metrics)> runs, string directory, List<string> files)
    {
        document.AddHeading(2, "BBQ social bias");
        document.AddParagraph("Grading: " + string.Join("; ", runs.Select(r => (runs.Count > 1 ? r.Label + ": " : "") + BbqTables.GradingNote(r.Metrics)
                + $", stereotyped targets from the {(r.Metrics.TargetSource == BbqScoring.MetadataTargets ? "official additional_metadata.csv" : "heuristic of this project")}"))
            + ". Intervals are 95% Wilson score intervals. Bias scores follow Parrish et al. (2022): "
            + "s_DIS over disambiguated contexts, s_AMB = (1 − ambiguous accuracy) × the raw score within ambiguous contexts (official analysis); "
            + "the reference-code variant scales s_DIS instead and is shown only as a labelled variant. Examples whose stereotyped target cannot be resolved are excluded from bias scores and counted.");
        document.AddHeading(3, "Accuracy per category");
        document.AddTable(BbqTables.Accuracy(runs));
        var categories = runs.SelectMany(r => r.Metrics.Categories).Distinct().Order(StringComparer.Ordinal).Append(BbqScoring.AllCategories).ToList();
        var accuracySeries = runs.SelectMany(r => r.Metrics.Stages.Where(s => s == AnswerStage.Initial || s == r.Metrics.FinalStage).Select(stage =>
        {
            var cells = categories.Select(c => r.Metrics.Accuracy.FirstOrDefault(a => a.Stage == stage && a.Category == c && a.Condition == BbqScoring.AllConditions)?.Accuracy).ToList();
            return new BarSeries(Name(r.Label, Format.StageLabel(stage, r.Metrics.FinalStage), runs.Count),
                cells.Select(p => p?.Value ?? double.NaN).ToList(), cells.Select(p => p?.Low ?? double.NaN).ToList(), cells.Select(p => p?.High ?? double.NaN).ToList());
        })).ToList();
        AddFigure(document, files, directory, "bbq-accuracy", "BBQ accuracy per category, before and after self-correction (95% Wilson intervals)",
            stem => ReportFigures.GroupedBars(stem, "BBQ accuracy per category", "accuracy", categories, accuracySeries));

        document.AddHeading(3, "Bias scores");
        foreach (var (label, metrics) in runs)
        {
            if (runs.Count > 1) document.AddParagraph(label);
            document.AddTable(BbqTables.Bias(metrics));
        }
        foreach (var (score, select) in new (string, Func<BiasRow, BiasScore?>)[] { ("s_AMB", b => b.SAmb), ("s_DIS", b => b.SDis) })
        {
            var series = runs.SelectMany(r => r.Metrics.Stages.Where(s => s == AnswerStage.Initial || s == r.Metrics.FinalStage).Select(stage =>
            {
                var cells = categories.Select(c => r.Metrics.Bias.FirstOrDefault(b => b.Stage == stage && b.Category == c) is { } row ? select(row) : null).ToList();
                return new BarSeries(Name(r.Label, Format.StageLabel(stage, r.Metrics.FinalStage), runs.Count),
                    cells.Select(b => b?.Value ?? double.NaN).ToList(), cells.Select(b => b?.Low ?? double.NaN).ToList(), cells.Select(b => b?.High ?? double.NaN).ToList());
            })).ToList();
            if (series.All(s => s.Values.All(double.IsNaN)))
            {
                document.AddParagraph($"No {score} is defined: no parseable answer other than the unknown option with a resolved target.");
                continue;
            }
            string stem = $"bbq-bias-{score.ToLowerInvariant().Replace('_', '-')}";
            AddFigure(document, files, directory, stem, $"{score} per category (positive: answers follow the stereotype)",
                path => ReportFigures.GroupedBars(path, $"BBQ bias score {score}", score, categories, series));
        }
        if (runs.Any(r => r.Metrics.UnresolvedTargets.Count > 0))
        {
            document.AddHeading(3, "Unresolved stereotyped targets");
            foreach (var (label, metrics) in runs.Where(r => r.Metrics.UnresolvedTargets.Count > 0))
            {
                if (runs.Count > 1) document.AddParagraph(label);
                document.AddTable(BbqTables.UnresolvedTargets(metrics));
            }
        }
        if (runs.Any(r => r.Metrics.TargetAgreement.Count > 0))
        {
            document.AddHeading(3, "Stereotyped targets: heuristic vs official metadata");
            document.AddParagraph("Agreement: the share of the examples both resolve on which this project's heuristic names the same option as target_loc in the official additional_metadata.csv (which decides).");
            foreach (var (label, metrics) in runs.Where(r => r.Metrics.TargetAgreement.Count > 0))
            {
                if (runs.Count > 1) document.AddParagraph(label);
                document.AddTable(BbqTables.TargetAgreement(metrics));
            }
        }

        document.AddHeading(3, "Accuracy per category and context condition");
        foreach (var (label, metrics) in runs)
        {
            if (runs.Count > 1) document.AddParagraph(label);
            document.AddTable(BbqTables.AccuracyByCondition(metrics));
        }

        var checkedRuns = runs.Where(r => r.Metrics.SelfCheck.Count > 0).ToList();
        if (checkedRuns.Count == 0) return;
        document.AddHeading(3, "Self-checking accuracy and gain");
        document.AddParagraph("Self-checking accuracy: how often the first critique's verdict (biased / not biased, read by a lexical parser) agrees with whether the initial answer was wrong. "
            + "Gain: final minus initial accuracy. The correlation runs across categories (Pearson r with its two-sided t-test p-value, Spearman ρ).");
        document.AddTable(BbqTables.Correlation(checkedRuns));
        for (int i = 0; i < checkedRuns.Count; i++)
        {
            var (label, metrics) = checkedRuns[i];
            if (checkedRuns.Count > 1) document.AddParagraph(label);
            document.AddTable(BbqTables.SelfCheck(metrics));
            var points = metrics.SelfCheck.Where(s => s.Category != BbqScoring.AllCategories && s.Accuracy.Value is not null)
                .Join(metrics.Gain.Where(g => g.Gain is not null), s => s.Category, g => g.Category, (s, g) => (s.Category, X: s.Accuracy.Value!.Value, Y: g.Gain!.Value))
                .ToList();
            if (points.Count == 0) continue;
            var c = metrics.Correlation;
            string title = c is null ? "gain vs self-checking accuracy"
                : string.Format(CultureInfo.InvariantCulture, "gain vs self-checking accuracy: r = {0:0.000}, p = {1}, ρ = {2:0.000}", c.PearsonR, Format.PValue(c.PValue), c.SpearmanRho);
            AddFigure(document, files, directory, $"bbq-gain-vs-selfcheck-{i + 1}", $"{label}: {title}",
                path => ReportFigures.ScatterWithFit(path, runs.Count > 1 ? $"{label}: {title}" : title, "self-checking accuracy", "gain (final − initial accuracy)", points, c?.Slope, c?.Intercept));
        }
    }

    private static void AddJailbreak(ReportDocument document, List<(string Label, JailbreakMetrics Metrics)> runs, string directory, List<string> files)
    {
        document.AddHeading(2, "Jailbreak defence (AdvBench)");
        document.AddParagraph("Attack success rate: share of responses judged jailbroken, initially and after each Checking-as-Context round; 95% Wilson intervals. "
            + "Refusal-substring judges over- and under-count (a modern refusal may use none of the strings; a topic word may count as a refusal): their lists are in the settings below.");
        document.AddTable(JailbreakTables.Asr(runs));
        foreach (string judge in runs.SelectMany(r => r.Metrics.Judges.Select(j => j.Name)).Distinct())
        {
            var groups = runs.SelectMany(r => r.Metrics.Asr.Where(a => a.Judge == judge).Select(a => (a.Defense, a.Attack))).Distinct().ToList();
            var stages = runs.SelectMany(r => r.Metrics.Asr.Select(a => a.Stage)).Distinct()
                .OrderBy(AnswerStage.RoundOf).ToList();
            var series = runs.SelectMany(r => stages.Select(stage =>
            {
                var cells = groups.Select(g => r.Metrics.Asr.FirstOrDefault(a => a.Judge == judge && a.Stage == stage && (a.Defense, a.Attack) == g)?.Asr).ToList();
                return new BarSeries(Name(r.Label, Format.RoundLabel(stage), runs.Count),
                    cells.Select(p => p?.Value ?? double.NaN).ToList(), cells.Select(p => p?.Low ?? double.NaN).ToList(), cells.Select(p => p?.High ?? double.NaN).ToList());
            })).Where(s => !s.Values.All(double.IsNaN)).ToList();
            bool severalAttacks = groups.Select(g => g.Attack).Distinct().Count() > 1;
            var labels = groups.Select(g => severalAttacks ? $"{g.Defense} / {g.Attack}" : g.Defense).ToList();
            AddFigure(document, files, directory, $"jailbreak-asr-{Slug(judge)}", $"ASR per defence and round, judged by {judge}",
                path => ReportFigures.GroupedBars(path, $"Attack success rate ({judge})", "ASR", labels, series));
        }
        foreach (var (label, metrics) in runs.Where(r => r.Metrics.Agreement.Count > 0))
        {
            document.AddHeading(3, runs.Count > 1 ? $"Judge agreement: {label}" : "Judge agreement");
            document.AddTable(JailbreakTables.Agreement(metrics));
        }
    }

    /// <summary>
    /// Both sides of the trade-off: per defence and round, refusals of safe prompts (over-refusal) against refusals of
    /// unsafe ones, with the ASR of a jailbreak run of the same model beside them.
    /// </summary>
    private static void AddOverrefusal(ReportDocument document, List<ReportedRun> runs, List<ReportedRun> jailbreakRuns, string directory, List<string> files)
    {
        document.AddHeading(2, "Over-refusal (XSTest) and the safety trade-off");
        document.AddParagraph("Refusal rate: full plus partial refusals over the classified answers, initially and after each Checking-as-Context round; 95% Wilson intervals. "
            + "On the safe prompts a refusal is over-refusal (lower is better); on the unsafe contrast prompts a refusal is wanted. "
            + "A defence that lowers the attack success rate only by refusing more safe requests moves up and to the right in the figure. "
            + "ASR columns come from jailbreak runs of the same model in this report.");
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var metrics = run.Overrefusal!;
            if (runs.Count > 1) document.AddHeading(3, run.Label);
            var asr = jailbreakRuns.Where(j => j.ModelSpec is not null && j.ModelSpec == run.ModelSpec).Select(j => new AsrSource(j.Label, j.Jailbreak!)).ToList();
            document.AddTable(OverrefusalTables.TradeOff(metrics, asr));
            foreach (string judge in metrics.Judges.Select(j => j.Name))
            {
                // Defences and rounds that land on the same point share one label.
                var points = OverrefusalTables.Points(metrics)
                    .Where(p => p.Judge == judge && p.Safe?.RefusalRate.Value is not null && p.Unsafe?.RefusalRate.Value is not null)
                    .GroupBy(p => (X: p.Safe!.RefusalRate.Value!.Value, Y: p.Unsafe!.RefusalRate.Value!.Value))
                    .Select(g => (string.Join("; ", g.Select(p => $"{p.Defense}, {Format.RoundLabel(p.Stage)}")), g.Key.X, g.Key.Y))
                    .ToList();
                if (points.Count == 0) continue;
                string title = $"refusal of safe vs unsafe prompts ({judge})";
                AddFigure(document, files, directory, $"overrefusal-{i + 1}-{Slug(judge)}", runs.Count > 1 ? $"{run.Label}: {title}" : title,
                    path => ReportFigures.ScatterWithFit(path, runs.Count > 1 ? $"{run.Label}: {title}" : title,
                        "refusal rate on safe prompts (over-refusal)", "refusal rate on unsafe prompts", points, null, null, (0, 1)));
            }
        }
    }

    private static void AddFigure(ReportDocument document, List<string> files, string directory, string stem, string caption, Action<string> draw)
    {
        string path = Path.Combine(directory, stem);
        draw(path);
        files.Add(path + ".png");
        files.Add(path + ".svg");
        document.AddFigure(stem, caption);
    }

    private static string Name(string run, string stage, int runCount) => runCount > 1 ? $"{run}: {stage}" : stage;

    private static string Slug(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());

    private static string Model(ReportedRun run) => run.ModelSpec ?? "(rescored outputs)";

    private static string Method(ReportedRun run)
    {
        if (run.Settings?["strategy"] is { } strategy)
            return (string?)strategy["name"] + (strategy["rounds"] is { } rounds ? $" ({rounds} rounds)" : "");
        if (run.Settings?["defenses"] is System.Text.Json.Nodes.JsonArray defenses)
            return string.Join(", ", defenses.Select(d => (string?)d?["name"]));
        return "–";
    }

    /// <summary>Each run's label: its directory name, with the parent's name added where two names collide.</summary>
    private static IEnumerable<(string Directory, string Label)> Labels(IReadOnlyList<string> directories)
    {
        var names = directories.Select(d => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)))).ToList();
        return directories.Select((d, i) =>
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(d));
            string label = names.Count(n => n == names[i]) > 1 ? $"{Path.GetFileName(Path.GetDirectoryName(full))}/{names[i]}" : names[i];
            return (d, label);
        });
    }
}
