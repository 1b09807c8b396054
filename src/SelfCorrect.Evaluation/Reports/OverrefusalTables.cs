using System.Globalization;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Overrefusal;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>A jailbreak run whose ASR the over-refusal tables show beside the refusal rates (same model).</summary>
public sealed record AsrSource(string Label, JailbreakMetrics Metrics);

/// <summary>The tables of over-refusal metrics: refusal rates on safe and unsafe prompts, and ASR beside them.</summary>
public static class OverrefusalTables
{
    /// <summary>
    /// Per defence, stage and judge: the refusal rate on safe prompts (over-refusal) against the one on unsafe
    /// prompts, then one ASR column per jailbreak run, attack and judge, for the same defence and stage.
    /// </summary>
    public static Table TradeOff(OverrefusalMetrics metrics, IReadOnlyList<AsrSource> asr)
    {
        var asrColumns = asr.SelectMany(run => run.Metrics.Asr.Select(a => (a.Attack, a.Judge)).Distinct()
            .Select(column => (Run: run, column.Attack, column.Judge))).ToList();
        var headers = new List<string> { "defence", "stage", "judge", "refusal on safe prompts (over-refusal)", "refusal on unsafe prompts" };
        headers.AddRange(asrColumns.Select(c => $"ASR{(asr.Count > 1 ? " " + c.Run.Label : "")}: attack {c.Attack}, {c.Judge}"));
        var rows = Points(metrics).Select(point =>
        {
            var row = new List<string> { point.Defense, Format.RoundLabel(point.Stage), point.Judge, Rate(point.Safe), Rate(point.Unsafe) };
            row.AddRange(asrColumns.Select(c => c.Run.Metrics.Asr.FirstOrDefault(a =>
                a.Defense == point.Defense && a.Stage == point.Stage && a.Attack == c.Attack && a.Judge == c.Judge) is { } cell
                ? $"{Format.Percent(cell.Asr)} ({cell.Jailbroken}/{cell.Judged})"
                : Format.Undefined));
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new Table(headers, rows);
    }

    /// <summary>Each defence, stage and judge with its safe and unsafe rows (null where the run has no such prompts).</summary>
    public static IReadOnlyList<(string Defense, string Stage, string Judge, RefusalRow? Safe, RefusalRow? Unsafe)> Points(OverrefusalMetrics metrics) =>
        metrics.Refusal.Select(r => (r.Defense, r.Stage, r.Judge)).Distinct()
            .Select(key => (key.Defense, key.Stage, key.Judge,
                metrics.Refusal.FirstOrDefault(r => (r.Defense, r.Stage, r.Judge) == key && r.Label == "safe"),
                metrics.Refusal.FirstOrDefault(r => (r.Defense, r.Stage, r.Judge) == key && r.Label == "unsafe")))
            .ToList();

    /// <summary>A console summary of one run: refusal rates on safe and unsafe prompts per defence and stage.</summary>
    public static string Summary(OverrefusalMetrics metrics)
    {
        var text = new System.Text.StringBuilder("refusal rate (full + partial refusals), 95% Wilson intervals; refusing safe prompts is over-refusal:\n");
        text.Append(TradeOff(metrics, []).ToText());
        return text.ToString();
    }

    private static string Rate(RefusalRow? row) => row is null
        ? Format.Undefined
        : $"{Format.Percent(row.RefusalRate)} ({(row.FullRefusal + row.PartialRefusal).ToString(CultureInfo.InvariantCulture)}/{row.N.ToString(CultureInfo.InvariantCulture)}"
            + (row.N < row.Texts ? $", {row.Texts - row.N} unjudged)" : ")");
}
