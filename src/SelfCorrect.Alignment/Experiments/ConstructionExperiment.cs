using System.Globalization;
using System.Text.Json;
using System.Text;
using ScottPlot;
using SelfCorrect.Alignment.Construction;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>One β of the sweep: max and median relative error over contexts (and prefixes k = 2..N when causal).</summary>
public sealed record ConstructionErrorPoint(double Beta, double BetaGap, double MaxRelativeError, double MedianRelativeError);

/// <summary>
/// Contexts whose smallest reward spacing Δ puts β·Δ in [<paramref name="Low"/>, <paramref name="High"/>), at the
/// requested β, and the construction's relative error on them (max over prefixes when causal).
/// </summary>
public sealed record SpacingBin(double Low, double High, int Contexts, double MedianRelativeError, double MaxRelativeError);

/// <summary>
/// Builds the construction for each β of a sweep and compares it with explicit GD on the same fresh contexts
/// (rewards at least gap apart); reports error vs β·gap and the slope of its exponential decay.
/// </summary>
public static class ConstructionExperiment
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A construction sweep: the error at every β, its decay rate, and (causal) the error per prefix.</summary>
    /// <param name="Settings">The settings measured.</param>
    /// <param name="Points">The error at each β of the sweep, in ascending β·gap.</param>
    /// <param name="Slope">d ln(max error) / d(β·gap), least squares over the decay window; NaN when under two points.</param>
    /// <param name="SlopePoints">The sweep points inside the decay window that the slope is fitted on.</param>
    /// <param name="PrefixMaxErrors">Causal only: max relative error per prefix k = 2..N at the requested β.</param>
    /// <param name="FirstPrefixMaxAbsoluteError">Causal only: max |ŷ_1 - ŷ_0| (GD on one triplet does not move).</param>
    /// <param name="SmallestSpacings">Per context, the least distance between two of its rewards, Δ.</param>
    /// <param name="SpacingBins">The error at the requested β by β·Δ: outside the enforced gap (the reference task) the bound does not hold.</param>
    /// <param name="Device">Where it was computed, as <see cref="TorchDevices.Describe"/> writes it.</param>
    public sealed record Result(ConstructionSettings Settings, IReadOnlyList<ConstructionErrorPoint> Points, double Slope,
        int SlopePoints, IReadOnlyList<double>? PrefixMaxErrors, double? FirstPrefixMaxAbsoluteError,
        IReadOnlyList<double> SmallestSpacings, IReadOnlyList<SpacingBin> SpacingBins, string Device);

    /// <summary>Edges of the β·Δ bins: below the elimination threshold (≈ 4), the decay window, the float64 floor (≈ 30).</summary>
    private static readonly double[] SpacingBinEdges = [0, 1, 4, 10, 20, 30, double.PositiveInfinity];

    /// <summary>
    /// <c>ica construct</c>: runs the sweep, writes its files into the request's output directory (held while it
    /// works) and prints the table.
    /// </summary>
    public static Result Run(ExperimentRequest<ConstructionSettings> request, TextWriter output)
    {
        request.Validate();
        using var directory = RunDirectory.Create(request.OutputDirectory, LabRuns.Construction, request.Force, nameof(request.OutputDirectory), nameof(request.Force));
        TorchThreads.Apply(request.Threads);
        var result = Run(request.Settings, TorchDevices.Resolve(request.Device, nameof(request.Device)));
        Write(result, directory.Path);
        output.Write(FormatTable(result));
        output.WriteLine($"wrote {Path.Combine(directory.Path, "errors.csv")}, summary.json, error_vs_beta_gap.png/.svg");
        return result;
    }

    /// <summary>Builds the construction at each β of the sweep and measures its error against explicit GD on the same fresh contexts; nothing is written.</summary>
    /// <param name="settings">The task, the β sweep and the budgets; validated first.</param>
    /// <param name="device">Where the constructions and the reference run (null: the CPU); the contexts are drawn on the CPU.</param>
    public static Result Run(ConstructionSettings settings, Device? device = null)
    {
        settings.Validate();
        device ??= CPU;
        using var scope = NewDisposeScope();
        var task = settings.CreateTask();
        using var generator = Seeds.Generator(settings.Seed, "construction-contexts");
        var batch = task.Sample(settings.Contexts, generator, ScalarType.Float64).MoveTo(device);
        var reference = ConstructionVerification.PrefixReference(settings.Objective, batch, settings.Eta, settings.Steps);
        var points = new List<ConstructionErrorPoint>();
        IReadOnlyList<double>? prefixErrors = null;
        double? firstPrefix = null;
        double[] perContextAtBeta = [];
        foreach (double betaGap in settings.SweepBetaGaps())
        {
            using var pointScope = NewDisposeScope();
            double beta = betaGap / settings.Gap;
            var model = Build(settings, beta);
            model.to(device);
            var predicted = model.Predict(batch.Query, batch.Responses, batch.Rewards);
            Tensor errors;
            if (settings.Causal)
            {
                var perPrefix = ConstructionVerification.RelativeError(predicted.narrow(1, 1, settings.ResponseCount - 1),
                    reference.narrow(1, 1, settings.ResponseCount - 1));                                             // [B, N-1]
                errors = perPrefix.flatten();
                if (betaGap == settings.Beta * settings.Gap)
                {
                    perContextAtBeta = perPrefix.max(1).values.cpu().data<double>().ToArray();
                    prefixErrors = perPrefix.max(0).values.cpu().data<double>().ToArray();
                    firstPrefix = (predicted.select(1, 0).to_type(ScalarType.Float64) - reference.select(1, 0)).norm(-1).max().ToDouble();
                }
            }
            else
            {
                errors = ConstructionVerification.RelativeError(predicted, reference.select(1, settings.ResponseCount - 1));
                if (betaGap == settings.Beta * settings.Gap) perContextAtBeta = errors.cpu().data<double>().ToArray();
            }
            points.Add(new ConstructionErrorPoint(beta, betaGap, errors.max().ToDouble(), errors.median().ToDouble()));
            model.Dispose();
        }
        var (slope, used) = DecaySlope(points, settings.DType);
        var sorted = batch.Rewards.sort(-1).Values;
        double[] spacings = (sorted.narrow(1, 1, settings.ResponseCount - 1) - sorted.narrow(1, 0, settings.ResponseCount - 1)).min(1).values.cpu().data<double>().ToArray();
        return new Result(settings, points, slope, used, prefixErrors, firstPrefix, spacings, BinBySpacing(settings.Beta, spacings, perContextAtBeta),
            TorchDevices.Describe(device));
    }

    private static List<SpacingBin> BinBySpacing(double beta, double[] spacings, double[] errors)
    {
        var bins = new List<SpacingBin>();
        for (int i = 0; i + 1 < SpacingBinEdges.Length; i++)
        {
            double low = SpacingBinEdges[i], high = SpacingBinEdges[i + 1];
            var inBin = errors.Where((_, c) => beta * spacings[c] >= low && beta * spacings[c] < high).Order().ToArray();
            if (inBin.Length > 0) bins.Add(new SpacingBin(low, high, inBin.Length, inBin[(inBin.Length - 1) / 2], inBin[^1]));
        }
        return bins;
    }

    /// <summary>The construction the settings describe, at softmax scale <paramref name="beta"/>, in the settings' precision.</summary>
    public static ConstructedTransformer Build(ConstructionSettings settings, double beta)
    {
        var model = settings.Causal
            ? ConstructedTransformer.ForOnlinePlackettLuce(settings.Dimension, settings.ResponseCount, settings.Eta, beta, settings.Steps, gap: settings.Gap)
            : ConstructedTransformer.ForPlackettLuce(settings.Dimension, settings.ResponseCount, settings.Eta, beta, settings.Steps,
                ablation: settings.Ablation, gap: settings.Gap);
        return settings.DType == ScalarType.Float32 ? model.ToFloat32() : model;
    }

    /// <summary>
    /// Least-squares slope of ln(max error) against β·gap over the decay window: errors below 1e-2 (past the
    /// breakdown, where the elimination still works) and above both 1e3 × machine epsilon and 10 × the smallest
    /// error of the sweep (before the floor that rounding sets).
    /// </summary>
    public static (double Slope, int Points) DecaySlope(IReadOnlyList<ConstructionErrorPoint> points, ScalarType dtype)
    {
        double epsilon = dtype == ScalarType.Float32 ? 1.2e-7 : 2.2e-16;
        double floor = Math.Max(1e3 * epsilon, 10 * points.Min(p => p.MaxRelativeError));
        var window = points.Where(p => p.MaxRelativeError < 1e-2 && p.MaxRelativeError > floor).ToList();
        if (window.Count < 2) return (double.NaN, window.Count);
        double meanX = window.Average(p => p.BetaGap), meanY = window.Average(p => Math.Log(p.MaxRelativeError));
        double covariance = window.Sum(p => (p.BetaGap - meanX) * (Math.Log(p.MaxRelativeError) - meanY));
        double variance = window.Sum(p => (p.BetaGap - meanX) * (p.BetaGap - meanX));
        return (covariance / variance, window.Count);
    }

    /// <summary>A one-line description of the settings for tables and figure titles.</summary>
    public static string Label(ConstructionSettings s) =>
        $"{(s.Objective == RankingObjective.BradleyTerry ? "BT" : "PL")}{(s.Causal ? " causal (online)" : "")}, {s.Task} task, N={s.ResponseCount}, d={s.Dimension}, " +
        $"{s.Steps} step{(s.Steps == 1 ? "" : "s")}, {(s.DType == ScalarType.Float32 ? "float32" : "float64")}, ablation {s.Ablation.Name()}";

    /// <summary>One line per β, each labelled "error", then the decay slope (and the per-prefix errors when causal).</summary>
    public static string FormatTable(Result result)
    {
        var text = new StringBuilder();
        text.AppendLine($"construction vs explicit GD: {Label(result.Settings)}, gap {result.Settings.Gap.ToString(Invariant)}, " +
            $"η {result.Settings.Eta.ToString(Invariant)}, {result.Settings.Contexts} contexts{(result.Settings.Causal ? " × prefixes k=2..N" : "")}");
        text.AppendLine($"{"",-5}  {"beta",10}  {"beta*gap",8}  {"max_rel_error",13}  {"median_rel_error",16}");
        foreach (var p in result.Points)
            text.AppendLine(string.Format(Invariant, "error  {0,10:G6}  {1,8:G4}  {2,13:E2}  {3,16:E2}", p.Beta, p.BetaGap, p.MaxRelativeError, p.MedianRelativeError));
        text.AppendLine(double.IsNaN(result.Slope)
            ? $"decay slope: not measurable ({result.SlopePoints} points between the breakdown and the rounding floor)"
            : string.Format(Invariant, "decay slope d ln(max error)/d(beta*gap) = {0:F3} over {1} points (exp(-beta*gap) gives -1)", result.Slope, result.SlopePoints));
        double[] spacing = [.. result.SmallestSpacings.Order()];
        text.AppendLine(string.Format(Invariant, "{0} task: smallest reward spacing Δ per context: min {1:G3}, median {2:G3} (the bound assumes Δ ≥ gap = {3}); error at beta={4:G6} by beta*Δ:",
            result.Settings.Task, spacing[0], spacing[(spacing.Length - 1) / 2], result.Settings.Gap, result.Settings.Beta));
        foreach (var bin in result.SpacingBins)
            text.AppendLine(string.Format(Invariant, "error-spacing beta*Δ in [{0}, {1}): {2,4} contexts  median_rel_error {3:E2}  max_rel_error {4:E2}",
                bin.Low, double.IsPositiveInfinity(bin.High) ? "inf" : bin.High.ToString(Invariant), bin.Contexts, bin.MedianRelativeError, bin.MaxRelativeError));
        if (result.PrefixMaxErrors is { } prefixes)
        {
            text.AppendLine(string.Format(Invariant, "prefix k=1: max |ŷ_1 - ŷ_0| = {0:E2} (GD does not move on one triplet)", result.FirstPrefixMaxAbsoluteError));
            for (int i = 0; i < prefixes.Count; i++)
                text.AppendLine(string.Format(Invariant, "error-prefix k={0,-3} beta={1:G6}  max_rel_error {2:E2}", i + 2, result.Settings.Beta, prefixes[i]));
        }
        return text.ToString();
    }

    /// <summary>Writes errors.csv, summary.json and the error-against-β·gap figure into <paramref name="directory"/>.</summary>
    public static void Write(Result result, string directory)
    {
        Directory.CreateDirectory(directory);
        var csv = new StringBuilder("beta,beta_gap,max_rel_error,median_rel_error\n");
        foreach (var p in result.Points)
            csv.Append(Invariant, $"{p.Beta:R},{p.BetaGap:R},{p.MaxRelativeError:R},{p.MedianRelativeError:R}\n");
        AtomicFile.WriteAllText(Path.Combine(directory, "errors.csv"), csv.ToString());
        var summary = new
        {
            settings = new
            {
                objective = result.Settings.Objective.ShortName(),
                n = result.Settings.ResponseCount,
                d = result.Settings.Dimension,
                steps = result.Settings.Steps,
                beta = result.Settings.Beta,
                gap = result.Settings.Gap,
                eta = result.Settings.Eta,
                contexts = result.Settings.Contexts,
                dtype = result.Settings.DType == ScalarType.Float32 ? "float32" : "float64",
                ablation = result.Settings.Ablation.Name(),
                causal = result.Settings.Causal,
                seed = result.Settings.Seed,
                task = result.Settings.Task,
            },
            device = result.Device,
            smallest_reward_spacing = new { min = result.SmallestSpacings.Min(), median = result.SmallestSpacings.Order().ElementAt((result.SmallestSpacings.Count - 1) / 2) },
            error_by_beta_spacing = result.SpacingBins.Select(b => new { low = b.Low, high = double.IsPositiveInfinity(b.High) ? (double?)null : b.High, contexts = b.Contexts, median_rel_error = b.MedianRelativeError, max_rel_error = b.MaxRelativeError }),
            reference = "ExplicitGradientDescent (analytic gradient, float64) on the same contexts, read after all N triplets",
            error = "||y_hat - y_hat_GD|| / ||y_hat_GD|| per context" + (result.Settings.Causal ? " and prefix k = 2..N" : ""),
            decay_slope = double.IsNaN(result.Slope) ? (double?)null : result.Slope,
            decay_slope_points = result.SlopePoints,
            prefix_max_rel_error = result.PrefixMaxErrors,
            first_prefix_max_abs_error = result.FirstPrefixMaxAbsoluteError,
            points = result.Points,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, BaselinesExperiment.JsonOptions));
        SavePlot(result, Path.Combine(directory, "error_vs_beta_gap"));
    }

    /// <summary>log10 of the max and median relative error against β·gap (log values plotted: exact zeros are clipped at 1e-17).</summary>
    private static void SavePlot(Result result, string pathWithoutExtension)
    {
        var plot = FigureFile.NewPlot($"Construction vs explicit GD: {Label(result.Settings)}");
        double[] x = result.Points.Select(p => p.BetaGap).ToArray();
        foreach (var (name, values, color) in new[]
        {
            ("max over contexts", result.Points.Select(p => p.MaxRelativeError).ToArray(), Colors.C0),
            ("median", result.Points.Select(p => p.MedianRelativeError).ToArray(), Colors.C1),
        })
        {
            var line = plot.Add.Scatter(x, values.Select(v => Math.Log10(Math.Max(v, 1e-17))).ToArray());
            line.LegendText = name;
            line.Color = color;
            line.MarkerSize = 5;
        }
        if (!double.IsNaN(result.Slope))
        {
            var guide = plot.Add.Scatter(x, x.Select(v => Math.Log10(Math.Exp(-v))).ToArray());
            guide.LegendText = "exp(-β·gap)";
            guide.Color = Colors.Gray;
            guide.LinePattern = LinePattern.Dashed;
            guide.MarkerSize = 0;
        }
        plot.XLabel("β·gap");
        plot.YLabel("log10 relative error of the prediction");
        double top = Math.Max(1, Math.Ceiling(Math.Log10(Math.Max(1e-17, result.Points.Max(p => p.MaxRelativeError)))) + 0.5);
        plot.Axes.SetLimitsY(-17.5, top);
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);                               // the region no curve reaches
        FigureFile.Save(plot, pathWithoutExtension);
    }
}
