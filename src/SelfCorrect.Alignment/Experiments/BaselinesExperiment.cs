using System.Text.Json;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>The reference learners (no training) on fresh contexts: the lab's first experiment.</summary>
public static class BaselinesExperiment
{
    /// <summary>
    /// An evaluation of the reference learners: the settings, the GD step size chosen on held-out contexts, every
    /// learner's error per k and metric, and the device it was computed on (as <see cref="TorchDevices.Describe"/> writes it).
    /// </summary>
    public sealed record Result(BaselinesSettings Settings, double GdEta, IReadOnlyList<ErrorPoint> Points, string Device);

    /// <summary>The reference learners with GD's η tuned on held-out contexts of the same task (on <paramref name="device"/>; null: the CPU).</summary>
    public static IReadOnlyList<IInContextLearner> ReferenceLearners(IAlignmentTask task, long seed, int gdSteps,
        int heldOutContexts, out double gdEta, Device? device = null)
    {
        using var generator = Seeds.Generator(seed, "eta-grid-held-out");
        using var heldOut = task.Sample(heldOutContexts, generator).MoveTo(device ?? CPU);
        gdEta = EtaGridSearch.Search(eta => new ExplicitGradientDescent(eta, gdSteps), heldOut).BestEta;
        return
        [
            new MeanResponse(),
            new BestInContext(),
            new ExplicitGradientDescent(gdEta, gdSteps),
            new AdamPlackettLuce(seed),
            new TwoPointExtrapolation(),
        ];
    }

    /// <summary>
    /// <c>ica baselines</c>: evaluates the reference learners into the request's output directory (held while it
    /// works) and prints one table per metric, "mean [95% CI]" at the k worth showing, and the chosen GD step size.
    /// </summary>
    public static Result Run(ExperimentRequest<BaselinesSettings> request, TextWriter output)
    {
        request.Validate();
        using var directory = RunDirectory.Create(request.OutputDirectory, LabRuns.Baselines, request.Force, nameof(request.OutputDirectory), nameof(request.Force));
        TorchThreads.Apply(request.Threads);
        var settings = request.Settings;
        var result = Run(settings, learner => output.WriteLine($"evaluating {learner} ..."), TorchDevices.Resolve(request.Device, nameof(request.Device)));
        Write(result, directory.Path);
        var ks = ErrorReport.TableKs(settings.ResponseCount);
        foreach (var metric in ErrorMetric.All)
        {
            output.WriteLine();
            output.WriteLine($"{metric.Label}, mean [95% CI] over {settings.Contexts} contexts:");
            output.Write(ErrorReport.FormatTable(result.Points, metric.Name, ks));
        }
        output.WriteLine();
        output.WriteLine($"GD step size η = {result.GdEta} ({settings.GdSteps} steps, chosen on held-out contexts)");
        output.WriteLine($"wrote {Path.Combine(directory.Path, "errors.csv")}, summary.json, error_*.png/.svg");
        return result;
    }

    /// <summary>Evaluates the reference learners on fresh contexts of the settings' task, with GD's η grid-searched first; nothing is written.</summary>
    /// <param name="settings">The task, its size, the reward noise and the budgets; validated first.</param>
    /// <param name="progress">Receives a line as each stage starts; null: silent.</param>
    /// <param name="device">Where to compute (null: the CPU); the contexts are drawn on the CPU either way.</param>
    public static Result Run(BaselinesSettings settings, Action<string>? progress = null, Device? device = null)
    {
        settings.Validate();
        device ??= CPU;
        var task = AlignmentTasks.Create(settings.Task, settings.Dimension, settings.ResponseCount);
        var learners = ReferenceLearners(task, settings.Seed, settings.GdSteps, settings.HeldOutContexts, out double eta, device);
        using var generator = Seeds.Generator(settings.Seed, "evaluation-contexts");
        using var clean = task.Sample(settings.Contexts, generator).MoveTo(device);
        using var noiseGenerator = Seeds.Generator(settings.Seed, "evaluation-reward-noise");
        var shown = new RewardCorruption(settings.RewardNoise).Apply(clean, noiseGenerator);
        var evaluation = new LearnerEvaluation(settings.BootstrapResamples, settings.Seed);
        var points = evaluation.Evaluate(learners, shown, progress: progress);
        shown.Rewards.Dispose();
        return new Result(settings, eta, points, TorchDevices.Describe(device));
    }

    /// <summary>Writes errors.csv, summary.json and one figure per metric into <paramref name="directory"/>.</summary>
    public static void Write(Result result, string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "errors.csv"), ErrorReport.ToCsv(result.Points));
        var summary = new
        {
            settings = result.Settings,
            device = result.Device,
            gd = new { eta = result.GdEta, steps = result.Settings.GdSteps, eta_chosen_on = "held-out contexts, lowest mean normalized squared error over k" },
            metrics = ErrorMetric.All.Select(m => new { name = m.Name, label = m.Label }),
            interval = "95% percentile bootstrap over contexts",
            points = result.Points,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, JsonOptions));
        foreach (var metric in ErrorMetric.All)
            ErrorReport.SavePlot(result.Points, metric.Name, metric.Label,
                $"Reference learners, {result.Settings.Task} task (N={result.Settings.ResponseCount}, d={result.Settings.Dimension}, noise p={result.Settings.RewardNoise})",
                Path.Combine(directory, $"error_{metric.Name}"));
    }

    /// <summary>How summary.json is written: indented, snake_case names.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
