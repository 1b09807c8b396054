using System.Globalization;
using System.Text.Json;
using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Alignment.Training;
using SelfCorrect.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>
/// The paper's first two results for a trained run: (a) the transformer against every reference learner over k;
/// (b) reward noise shown at evaluation to the transformer and to explicit GD with the same step budget at every p.
/// Both use fresh contexts drawn from the evaluation seed, never seen in training.
/// </summary>
public static class TrainedModelEvaluation
{
    /// <summary>The run's folder for result (a).</summary>
    public const string ComparisonDirectory = "eval";
    /// <summary>The run's folder for result (b).</summary>
    public const string NoiseDirectory = "noise";
    /// <summary>Result (a)'s file of the transformer's agreement with explicit GD per k.</summary>
    public const string AgreementFile = "transformer_vs_gd.csv";
    /// <summary><c>ica eval</c> and <c>ica noise</c>: evaluates a finished run, holding its lock, and prints the tables.</summary>
    public static void Run(RunEvaluationRequest request, TextWriter output)
    {
        request.Validate();
        using var run = RunDirectory.OpenExisting(request.RunDirectory, LabRuns.Training, nameof(request.RunDirectory));
        TorchThreads.Apply(request.Threads);
        Report(run.Path, request.Comparison, request.Noise, output, TorchDevices.Resolve(request.Device, nameof(request.Device)));
    }

    /// <summary>
    /// Result (a), result (b) or both for the finished run in <paramref name="runDirectory"/> (which the caller holds):
    /// writes each result's files and prints its tables, "mean [95% CI]" at the k worth showing. Computes on
    /// <paramref name="device"/> (null: the CPU).
    /// </summary>
    public static void Report(string runDirectory, bool comparison, bool noise, TextWriter output, Device? device = null)
    {
        var (config, model) = LoadRun(runDirectory, device);
        using var _ = model;
        var ks = ErrorReport.TableKs(config.Task.N);
        if (comparison)
        {
            var (points, agreement) = CompareWithReferenceLearners(config, model, runDirectory, learner => output.WriteLine($"evaluating {learner} ..."), device);
            foreach (var metric in ErrorMetric.All)
            {
                output.WriteLine();
                output.WriteLine($"(a) {metric.Label}, mean [95% CI] over {config.Evaluation.Contexts} contexts:");
                output.Write(ErrorReport.FormatTable(points, metric.Name, ks));
            }
            output.WriteLine();
            output.WriteLine("transformer vs explicit GD (same contexts): cosine similarity and L2 distance of the predictions, mean [95% CI]:");
            foreach (string metric in new[] { "cosine_to_gd", "l2_to_gd" })
            {
                output.WriteLine(metric);
                output.Write(ErrorReport.FormatTable(agreement, metric, ks));
            }
            output.WriteLine($"wrote {Path.Combine(runDirectory, ComparisonDirectory)}/");
        }
        if (noise)
        {
            var points = NoiseStudy(config, model, runDirectory, level => output.WriteLine($"noise {level} ..."), device);
            int[] noiseKs = new[] { 2, 15, config.Task.N - 1 }.Where(k => k <= config.Task.N - 1).Distinct().ToArray();
            foreach (var metric in ErrorMetric.All)
            {
                output.WriteLine();
                output.WriteLine($"(b) {metric.Label} under reward noise p, mean [95% CI]:");
                output.Write(ErrorReport.FormatTable(points, metric.Name, noiseKs));
            }
            output.WriteLine();
            foreach (var (learner, _, meaning) in NoiseLearners) output.WriteLine($"{learner}: {meaning}");
            output.WriteLine($"wrote {Path.Combine(runDirectory, NoiseDirectory)}/");
        }
    }

    /// <summary>Loads the run's resolved config and its final checkpoint, the model on <paramref name="device"/> (null: the CPU).</summary>
    public static (ExperimentConfig Config, InContextTransformer Model) LoadRun(string runDirectory, Device? device = null)
    {
        var config = PresetLoader.LoadResolved(Path.Combine(runDirectory, LabRuns.ConfigFile));
        var model = Trainer.CreateModel(config);
        int step = Checkpoint.Load(Path.Combine(runDirectory, Checkpoint.FileName), model, null, Trainer.Fingerprint(config));
        if (step < config.Training.Steps)
        {
            model.Dispose();
            throw new InvalidDataException($"{runDirectory}: training stopped at step {step} of {config.Training.Steps}; resume the run to finish its training first");
        }
        if (device is not null) model.to(device);
        model.eval();
        return (config, model);
    }

    /// <summary>Result (a): errors of every learner, and the transformer's agreement with explicit GD.</summary>
    public sealed record Comparison(IReadOnlyList<ErrorPoint> Errors, IReadOnlyList<ErrorPoint> AgreementWithGd);

    /// <summary>Result (a). Writes eval/errors.csv, summary.json, transformer_vs_gd.csv and one figure per metric.</summary>
    public static Comparison CompareWithReferenceLearners(ExperimentConfig config, InContextTransformer model,
        string runDirectory, Action<string>? progress = null, Device? device = null)
    {
        var e = config.Evaluation;
        var task = config.CreateTask();
        var references = BaselinesExperiment.ReferenceLearners(task, e.Seed, e.GdSteps, e.HeldOutContexts, out double eta, device);
        using var batch = SampleContexts(task, e, device);
        var evaluation = new LearnerEvaluation(e.Bootstrap, e.Seed);
        var points = evaluation.Evaluate([model, .. references], batch, progress: progress);
        string directory = Path.Combine(runDirectory, ComparisonDirectory);
        var agreement = AgreementWithGradientDescent(model, references.OfType<ExplicitGradientDescent>().Single(), batch, evaluation.Bootstrap);
        WriteResults(directory, points, new { evaluation = e, gd_eta = eta, gd_steps = e.GdSteps, task = config.Task, device = TorchDevices.Describe(device ?? CPU) },
            $"Trained transformer vs reference learners ({config.Task.Name} task, {e.Contexts} contexts)");
        AtomicFile.WriteAllText(Path.Combine(directory, AgreementFile), ErrorReport.ToCsv(agreement));
        return new Comparison(points, agreement);
    }

    /// <summary>
    /// How close the trained model is to the algorithm the theory says it can implement: per k, the cosine similarity
    /// and the L2 distance between the transformer's prediction and explicit GD's (at its grid-searched η) on the same
    /// contexts. Rows reuse <see cref="ErrorPoint"/> with metrics "cosine_to_gd", "l2_to_gd", "relative_l2_to_gd".
    /// </summary>
    public static IReadOnlyList<ErrorPoint> AgreementWithGradientDescent(IInContextLearner model, ExplicitGradientDescent gd,
        AlignmentBatch batch, ContextBootstrap bootstrap)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var noGrad = TorchSharp.torch.no_grad();
        var ours = model.Predict(batch);
        var reference = gd.Predict(batch);
        var distance = (ours - reference).norm(-1);
        return
        [
            .. bootstrap.Summarise(model.Name, "cosine_to_gd", TorchSharp.torch.nn.functional.cosine_similarity(ours, reference, dim: -1)),
            .. bootstrap.Summarise(model.Name, "l2_to_gd", distance),
            .. bootstrap.Summarise(model.Name, "relative_l2_to_gd", distance / reference.norm(-1).clamp_min(1e-12)),
        ];
    }

    /// <summary>The learners of result (b): name, a figure title's note, and what the name means in tables.</summary>
    public static readonly IReadOnlyList<(string Learner, string Note, string Meaning)> NoiseLearners =
    [
        ("Transformer", "trained model", "the trained model"),
        ("GD-pl", "explicit GD, same steps and η at every p",
            "explicit GD on the PL loss, squared-distance reward, from W = 0, evaluation.gd_steps steps at one η (tuned on clean held-out contexts) at every p"),
        (AdamReferenceBudget, "Adam, int(50 - 25p) steps",
            "the reference's GD baseline: Adam lr 0.1 from a random W on the cosine PL loss, int(50 - 25p) steps (fewer as p grows)"),
        (AdamFixedBudget, "Adam, 50 steps at every p", "the same Adam learner with 50 steps at every p"),
    ];

    private const string AdamReferenceBudget = "AdamPL-ref";
    private const string AdamFixedBudget = "AdamPL-fixed";

    /// <summary>
    /// Result (b): the transformer, explicit GD (same budget and η at every p), and the reference's Adam baseline
    /// with its shrinking budget and with a fixed one. Learner names carry the noise level, e.g. "GD-pl p=0.25".
    /// </summary>
    public static IReadOnlyList<ErrorPoint> NoiseStudy(ExperimentConfig config, InContextTransformer model, string runDirectory,
        Action<string>? progress = null, Device? device = null)
    {
        var e = config.Evaluation;
        var task = config.CreateTask();
        using var heldOutGenerator = Seeds.Generator(e.Seed, "eta-grid-held-out");
        using var heldOut = task.Sample(e.HeldOutContexts, heldOutGenerator).MoveTo(device ?? CPU);
        // η is chosen once, on clean rewards; the step budget is the same at every noise level.
        double eta = EtaGridSearch.Search(candidate => new ExplicitGradientDescent(candidate, e.GdSteps), heldOut).BestEta;
        var gd = new ExplicitGradientDescent(eta, e.GdSteps);
        var adamFixed = new AdamPlackettLuce(e.Seed, name: AdamFixedBudget);
        using var clean = SampleContexts(task, e, device);
        var evaluation = new LearnerEvaluation(e.Bootstrap, e.Seed);
        var points = new List<ErrorPoint>();
        foreach (double p in e.NoiseLevels)
        {
            string label = NoiseLabel(p);
            progress?.Invoke(label);
            var shown = WithRewardNoise(clean, e, p);
            var adamReference = new AdamPlackettLuce(e.Seed, steps: AdamPlackettLuce.ReferenceNoiseSteps(p), name: AdamReferenceBudget);
            points.AddRange(evaluation.Evaluate([model, gd, adamReference, adamFixed], shown).Select(point => point with { Learner = $"{point.Learner} {label}" }));
            shown.Rewards.Dispose();
        }
        string directory = Path.Combine(runDirectory, NoiseDirectory);
        WriteResults(directory, points, new
        {
            evaluation = e,
            gd_eta = eta,
            gd_steps = e.GdSteps,
            adam_steps = e.NoiseLevels.ToDictionary(NoiseLabel, p => new Dictionary<string, int> { [AdamReferenceBudget] = AdamPlackettLuce.ReferenceNoiseSteps(p), [AdamFixedBudget] = adamFixed.Steps }),
            learners = NoiseLearners.ToDictionary(l => l.Learner, l => l.Meaning),
            task = config.Task,
            device = TorchDevices.Describe(device ?? CPU),
        }, plotTitle: null);
        foreach (var (learner, note, _) in NoiseLearners)
            foreach (var metric in ErrorMetric.All)
                ErrorReport.SavePlot(points.Where(p => p.Learner.StartsWith(learner + " ", StringComparison.Ordinal)).Select(p => p with { Learner = p.Learner[(learner.Length + 1)..] }).ToList(),
                    metric.Name, metric.Label, $"{learner} under reward noise p ({config.Task.Name} task, {e.Contexts} contexts): {note}",
                    Path.Combine(directory, $"{learner.ToLowerInvariant()}_{metric.Name}"));
        return points;
    }

    /// <summary>
    /// The fresh evaluation contexts of <paramref name="task"/>: the same for every model evaluated with these
    /// settings, drawn on the CPU and moved to <paramref name="device"/> (null: left on the CPU).
    /// </summary>
    public static AlignmentBatch SampleContexts(IAlignmentTask task, EvaluationSettings e, Device? device = null)
    {
        using var generator = Seeds.Generator(e.Seed, "evaluation-contexts");
        return task.Sample(e.Contexts, generator).MoveTo(device ?? CPU);
    }

    /// <summary>
    /// The contexts with reward noise p shown (a fresh rewards tensor; the caller disposes it). The noise stream
    /// depends only on the evaluation seed and p, so every model sees the same corrupted rewards.
    /// </summary>
    public static AlignmentBatch WithRewardNoise(AlignmentBatch clean, EvaluationSettings e, double p)
    {
        using var noise = Seeds.Generator(e.Seed, $"evaluation-reward-noise-{NoiseLabel(p)}");
        return new RewardCorruption(p).Apply(clean, noise);
    }

    /// <summary>How names and files write noise level <paramref name="p"/>: <c>p=0.25</c>.</summary>
    public static string NoiseLabel(double p) => string.Create(CultureInfo.InvariantCulture, $"p={p}");

    /// <summary>errors.csv and summary.json, plus one figure per metric with every learner when a title is given.</summary>
    private static void WriteResults(string directory, IReadOnlyList<ErrorPoint> points, object settings, string? plotTitle)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "errors.csv"), ErrorReport.ToCsv(points));
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(new
        {
            settings,
            metrics = ErrorMetric.All.Select(m => new { name = m.Name, label = m.Label }),
            interval = "95% percentile bootstrap over contexts",
            points,
        }, BaselinesExperiment.JsonOptions));
        if (plotTitle is null) return;
        foreach (var metric in ErrorMetric.All)
            ErrorReport.SavePlot(points, metric.Name, metric.Label, plotTitle, Path.Combine(directory, $"error_{metric.Name}"));
    }
}
