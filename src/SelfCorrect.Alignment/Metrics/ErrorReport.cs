using System.Globalization;
using System.Text;
using ScottPlot;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Metrics;

/// <summary>Writes error-vs-k results as long-format CSV, a table, and PNG + SVG figures.</summary>
internal static class ErrorReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string ToCsv(IEnumerable<ErrorPoint> points)
    {
        var csv = new StringBuilder("learner,metric,k,mean,ci_low,ci_high,contexts\n");
        foreach (var p in points)
            csv.Append(Invariant, $"{p.Learner},{p.Metric},{p.K},{p.Mean:R},{p.Low:R},{p.High:R},{p.Contexts}\n");
        return csv.ToString();
    }

    /// <summary>Reads what <see cref="ToCsv"/> wrote.</summary>
    public static IReadOnlyList<ErrorPoint> ParseCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "learner,metric,k,mean,ci_low,ci_high,contexts")
            throw new InvalidDataException($"{path}: not an error table (unexpected header)");
        return lines.Skip(1).Where(line => line.Length > 0).Select((line, index) =>
        {
            string[] f = line.Split(',');
            if (f.Length != 7) throw new InvalidDataException($"{path}:{index + 2}: expected 7 fields");
            return new ErrorPoint(f[0], f[1], int.Parse(f[2], Invariant), double.Parse(f[3], Invariant), double.Parse(f[4], Invariant),
                double.Parse(f[5], Invariant), int.Parse(f[6], Invariant));
        }).ToList();
    }

    /// <summary>A fixed-width table: one row per learner, one column per selected k, "mean [low, high]".</summary>
    public static string FormatTable(IReadOnlyList<ErrorPoint> points, string metric, IReadOnlyList<int> ks)
    {
        var rows = points.Where(p => p.Metric == metric).GroupBy(p => p.Learner).ToList();
        int nameWidth = Math.Max(8, rows.Select(r => r.Key.Length).DefaultIfEmpty(0).Max());
        var table = new StringBuilder();
        table.Append("learner".PadRight(nameWidth));
        foreach (int k in ks) table.Append($"  {"k=" + k,-24}");
        table.AppendLine();
        foreach (var row in rows)
        {
            table.Append(row.Key.PadRight(nameWidth));
            foreach (int k in ks)
            {
                var p = row.FirstOrDefault(q => q.K == k);
                string cell = p is null ? "-" : string.Format(Invariant, "{0:0.0000} [{1:0.0000}, {2:0.0000}]", p.Mean, p.Low, p.High);
                table.Append($"  {cell,-24}");
            }
            table.AppendLine();
        }
        return table.ToString();
    }

    /// <summary>k values worth showing in a table for N responses: 1, 2, 5, 10, N-1 (those that exist).</summary>
    public static IReadOnlyList<int> TableKs(int responseCount) =>
        new[] { 1, 2, 5, 10, responseCount - 1 }.Where(k => k >= 1 && k <= responseCount - 1).Distinct().Order().ToList();

    /// <summary>One curve per series (mean with a shaded interval) against k; writes <paramref name="pathWithoutExtension"/>.png and .svg.</summary>
    public static void SavePlot(IReadOnlyList<ErrorPoint> points, string metric, string metricLabel, string title, string pathWithoutExtension)
    {
        var plot = FigureFile.NewPlot(title);
        var palette = new ScottPlot.Palettes.Category10();
        int index = 0;
        foreach (var series in points.Where(p => p.Metric == metric).GroupBy(p => p.Learner))
        {
            var ordered = series.OrderBy(p => p.K).ToArray();
            double[] k = ordered.Select(p => (double)p.K).ToArray();
            var color = palette.GetColor(index++);
            var band = plot.Add.FillY(k, ordered.Select(p => p.Low).ToArray(), ordered.Select(p => p.High).ToArray());
            band.FillColor = color.WithAlpha(0.2);
            band.LineColor = Colors.Transparent;
            var line = plot.Add.Scatter(k, ordered.Select(p => p.Mean).ToArray());
            line.Color = color;
            line.LegendText = series.Key;
            line.MarkerSize = 4;
        }
        plot.XLabel("k (triplets in context)");
        plot.YLabel(metricLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        FigureFile.Save(plot, pathWithoutExtension);
    }
}
