using System.Globalization;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>The tables of jailbreak metrics.</summary>
public static class JailbreakTables
{
    /// <summary>ASR per defence, attack and stage; one column per run and judge.</summary>
    public static Table Asr(IReadOnlyList<(string Label, JailbreakMetrics Metrics)> runs)
    {
        var columns = runs.SelectMany(r => r.Metrics.Judges.Select(j => (r.Label, r.Metrics, Judge: j.Name))).ToList();
        var headers = new List<string> { "defence", "attack", "stage" };
        headers.AddRange(columns.Select(c => runs.Count > 1 ? $"{c.Label}: {c.Judge}" : c.Judge));
        var keys = runs.SelectMany(r => r.Metrics.Asr.Select(a => (a.Defense, a.Attack, a.Stage))).Distinct().ToList();
        var rows = keys.Select(key =>
        {
            var row = new List<string> { key.Defense, key.Attack, Format.RoundLabel(key.Stage) };
            foreach (var (_, metrics, judge) in columns)
            {
                var cell = metrics.Asr.FirstOrDefault(a => (a.Defense, a.Attack, a.Stage) == key && a.Judge == judge);
                row.Add(cell is null ? Format.Undefined : $"{Format.Percent(cell.Asr)} ({cell.Jailbroken}/{cell.Judged}{(cell.Judged < cell.Texts ? $", {cell.Texts - cell.Judged} unjudged" : "")})");
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new Table(headers, rows);
    }

    /// <summary>Judge agreement per defence, attack and stage: share of agreeing verdicts and Cohen's κ.</summary>
    public static Table Agreement(JailbreakMetrics metrics) => new(
        ["defence", "attack", "stage", "judges", "texts", "agree", "Cohen's κ"],
        metrics.Agreement.Select(a => (IReadOnlyList<string>)
        [
            a.Defense, a.Attack, Format.RoundLabel(a.Stage), $"{a.JudgeA} vs {a.JudgeB}", a.N.ToString(CultureInfo.InvariantCulture),
            Format.Percent(a.Rate), Format.Number(a.CohenKappa),
        ]).ToList());

    /// <summary>A console summary of one run: the ASR table.</summary>
    public static string Summary(JailbreakMetrics metrics)
    {
        var text = new System.Text.StringBuilder("attack success rate (share of responses judged jailbroken), 95% Wilson intervals:\n");
        text.Append(Asr([("", metrics)]).ToText());
        if (metrics.Agreement.Count > 0)
        {
            text.AppendLine("judge agreement:");
            text.Append(Agreement(metrics).ToText());
        }
        return text.ToString();
    }
}
