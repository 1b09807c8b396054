using ScottPlot;
using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>One bar series: a value per group with its interval (NaN: no bar).</summary>
internal sealed record BarSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<double> Low, IReadOnlyList<double> High);

/// <summary>The report's figures, drawn with ScottPlot and saved as PNG and SVG (<see cref="FigureFile"/>).</summary>
internal static class ReportFigures
{
    private const int Width = 1200, Height = 620;

    /// <summary>Grouped bars with interval whiskers: one group per label, one coloured bar per series.</summary>
    public static void GroupedBars(string pathWithoutExtension, string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<BarSeries> series)
    {
        var plot = FigureFile.NewPlot(title);
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / Math.Max(1, series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var color = palette.GetColor(s);
            var bars = new List<Bar>();
            var xs = new List<double>(); var ys = new List<double>(); var up = new List<double>(); var down = new List<double>();
            for (int g = 0; g < groups.Count; g++)
            {
                double value = series[s].Values[g];
                if (double.IsNaN(value)) continue;
                double x = g + (s - (series.Count - 1) / 2.0) * width;
                bars.Add(new Bar { Position = x, Value = value, Size = width * 0.95, FillColor = color, LineWidth = 0 });
                xs.Add(x);
                ys.Add(value);
                up.Add(series[s].High[g] - value);
                down.Add(value - series[s].Low[g]);
            }
            plot.Add.Bars(bars);
            var whiskers = new ScottPlot.Plottables.ErrorBar(xs, ys, null, null, up, down) { LineColor = Colors.Black, LineWidth = 1 };
            plot.Add.Plottable(whiskers);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = color });
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        FigureFile.Save(plot, pathWithoutExtension, Width, Height);
    }

    /// <summary>Labelled points with their least-squares line (when given); <paramref name="axes"/> fixes both axes' range (e.g. 0 to 1 for rates).</summary>
    public static void ScatterWithFit(string pathWithoutExtension, string title, string xLabel, string yLabel,
        IReadOnlyList<(string Label, double X, double Y)> points, double? slope, double? intercept, (double Low, double High)? axes = null)
    {
        var plot = FigureFile.NewPlot(title);
        var dots = plot.Add.ScatterPoints(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), Colors.SteelBlue);
        dots.MarkerSize = 9;
        foreach (var (label, x, y) in points)
        {
            var text = plot.Add.Text(label, x, y);
            text.LabelFontSize = 11;
            text.OffsetX = 6;
        }
        if (slope is double a && intercept is double b && points.Count > 0)
        {
            double low = points.Min(p => p.X), high = points.Max(p => p.X);
            var line = plot.Add.Line(low, a * low + b, high, a * high + b);
            line.LineColor = Colors.OrangeRed;
            line.LineWidth = 2;
        }
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Room for the labels of the outermost points.
        if (axes is var (from, to))
        {
            double pad = 0.05 * (to - from);
            plot.Axes.SetLimits(from - pad, to + 3 * pad, from - pad, to + pad);
        }
        else plot.Axes.Margins(0.15, 0.12);
        FigureFile.Save(plot, pathWithoutExtension, Width, Height);
    }
}
