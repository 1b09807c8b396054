using System.Text.Json;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>Settings of <c>selfcorrect ica baselines</c>; validated on construction so bad input fails before anything is written.</summary>
public sealed record BaselinesSettings
{
    public string Task { get; init; } = "reference";
    public int Dimension { get; init; } = 5;
    public int ResponseCount { get; init; } = 20;
    public double RewardNoise { get; init; }
    public int Contexts { get; init; } = 1024;
    public long Seed { get; init; }
    public int GdSteps { get; init; } = 20;
    public int HeldOutContexts { get; init; } = 512;
    public int BootstrapResamples { get; init; } = 1000;

    public void Validate()
    {
        if (!AlignmentTasks.Names.Contains(Task)) throw new ArgumentException($"--task: unknown task '{Task}' (expected one of: {string.Join(", ", AlignmentTasks.Names)})");
        if (Dimension < 1) throw new ArgumentException($"--d: must be at least 1 (got {Dimension})");
        if (ResponseCount < 2) throw new ArgumentException($"--n: must be at least 2 (got {ResponseCount})");
        if (!(RewardNoise >= 0 && RewardNoise <= 1)) throw new ArgumentException($"--noise: must lie in [0, 1] (got {RewardNoise})");
        if (Contexts < 1) throw new ArgumentException($"--contexts: must be at least 1 (got {Contexts})");
        if (GdSteps < 1) throw new ArgumentException($"--gd-steps: must be at least 1 (got {GdSteps})");
    }
}

/// <summary>The reference learners (no training) on fresh contexts: the lab's first experiment.</summary>
public static class BaselinesExperiment
{
    public sealed record Result(BaselinesSettings Settings, double GdEta, IReadOnlyList<ErrorPoint> Points);

    /// <summary>The reference learners with GD's η tuned on held-out contexts of the same task.</summary>
    public static IReadOnlyList<IInContextLearner> ReferenceLearners(IAlignmentTask task, long seed, int gdSteps,
        int heldOutContexts, out double gdEta)
    {
        using var generator = Seeds.Generator(seed, "eta-grid-held-out");
        using var heldOut = task.Sample(heldOutContexts, generator);
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

    public static Result Run(BaselinesSettings settings, Action<string>? progress = null)
    {
        settings.Validate();
        var task = AlignmentTasks.Create(settings.Task, settings.Dimension, settings.ResponseCount);
        var learners = ReferenceLearners(task, settings.Seed, settings.GdSteps, settings.HeldOutContexts, out double eta);
        using var generator = Seeds.Generator(settings.Seed, "evaluation-contexts");
        using var clean = task.Sample(settings.Contexts, generator);
        using var noiseGenerator = Seeds.Generator(settings.Seed, "evaluation-reward-noise");
        var shown = new RewardCorruption(settings.RewardNoise).Apply(clean, noiseGenerator);
        var evaluation = new LearnerEvaluation(settings.BootstrapResamples, settings.Seed);
        var points = evaluation.Evaluate(learners, shown, progress: progress);
        shown.Rewards.Dispose();
        return new Result(settings, eta, points);
    }

    /// <summary>Writes errors.csv, summary.json and one figure per metric into <paramref name="directory"/>.</summary>
    public static void Write(Result result, string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "errors.csv"), ErrorReport.ToCsv(result.Points));
        var summary = new
        {
            settings = result.Settings,
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

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
