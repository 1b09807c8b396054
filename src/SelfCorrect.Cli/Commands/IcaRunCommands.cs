using System.CommandLine;
using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Training;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>ica run</c>, <c>ica train</c>, <c>ica eval</c>, <c>ica noise</c>: train a transformer, then the paper's results (a) and (b).</summary>
public static class IcaRunCommands
{
    private const int TrainingFailedExitCode = 1;

    public static IEnumerable<Command> Create()
    {
        yield return TrainingCommand("run", "Train a transformer, then compare it with the reference learners (a) and run the reward-noise study (b).", evaluate: true);
        yield return TrainingCommand("train", "Train a transformer into a run directory (checkpoints, log, resolved config).", evaluate: false);
        yield return EvaluationCommand("eval", "Result (a) for a trained run: transformer vs every reference learner over k.", noise: false);
        yield return EvaluationCommand("noise", "Result (b) for a trained run: reward noise at evaluation for the transformer and explicit GD.", noise: true);
    }

    private static Command TrainingCommand(string name, string description, bool evaluate)
    {
        var preset = new Option<string>("--preset") { Description = "Preset name (quick, paper, …, from experiments/) or a YAML file.", DefaultValueFactory = _ => "quick" };
        var output = new Option<string?>("--out") { Description = "Run directory (default: runs/<preset>)." };
        var set = new Option<string[]>("--set") { Description = "Override a preset value, e.g. --set training.steps=500 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var force = new Option<bool>("--force") { Description = "Replace an existing run directory." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };
        var threads = TorchOptions.Threads();
        var command = new Command(name, description) { preset, output, set, force, resume, threads };
        command.SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            bool resuming = parse.GetValue(resume), forcing = parse.GetValue(force);
            if (resuming && forcing) throw new UsageException("--resume and --force exclude each other");
            string presetName = parse.GetValue(preset)!;
            string[] overrides = parse.GetValue(set) ?? [];
            var config = PresetLoader.Load(presetName, overrides);
            string directory = parse.GetValue(output) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(presetName));
            string configPath = Path.Combine(directory, RunFiles.Config);
            if (resuming)
            {
                var saved = PresetLoader.LoadResolved(configPath);
                bool explicitSettings = parse.GetResult(preset) is { Implicit: false } || overrides.Length > 0;
                if (explicitSettings && PresetLoader.ToYaml(saved) != PresetLoader.ToYaml(config))
                    throw new UsageException($"--resume: the given --preset/--set differ from {configPath}; resume without them or start a new run");
                config = saved;
            }
            else
            {
                RunDirectory.Prepare(directory, forcing);
                AtomicFile.WriteAllText(configPath, PresetLoader.ToYaml(config));
            }
            TorchOptions.Apply(parse, threads);
            stdout.WriteLine($"run directory: {directory}");

            TrainingOutcome outcome;
            try
            {
                outcome = TrainingProgressDisplay.Run(stdout, progress => new Trainer(config, directory).Train(resuming, progress, cancellationToken));
            }
            catch (TrainingDivergedException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(TrainingFailedExitCode);
            }
            if (outcome.Status == TrainingStatus.Interrupted)
            {
                stdout.WriteLine($"interrupted at step {outcome.Step}; checkpoint saved. Continue with: selfcorrect ica {name} --out {directory} --resume");
                return Task.FromResult(CliApp.CancelledExitCode);
            }
            stdout.WriteLine($"trained {outcome.Step} steps, final loss {outcome.LastLoss:0.0000}, {outcome.Elapsed.TotalSeconds:0.0} s this session");
            if (evaluate) Evaluate(directory, stdout, comparison: true, noise: true);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command EvaluationCommand(string name, string description, bool noise)
    {
        var run = new Option<string>("--run") { Description = "A trained run directory.", Required = true };
        var threads = TorchOptions.Threads();
        var command = new Command(name, description) { run, threads };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(run)!;
            if (!Directory.Exists(directory)) throw new UsageException($"--run: directory '{directory}' not found");
            TorchOptions.Apply(parse, threads);
            Evaluate(directory, parse.InvocationConfiguration.Output, comparison: !noise, noise: noise);
            return 0;
        });
        return command;
    }

    private static void Evaluate(string directory, TextWriter stdout, bool comparison, bool noise)
    {
        var (config, model) = TrainedModelEvaluation.LoadRun(directory);
        using var _ = model;
        var ks = ErrorReport.TableKs(config.Task.N);
        if (comparison)
        {
            var (points, agreement) = TrainedModelEvaluation.CompareWithReferenceLearners(config, model, directory, learner => stdout.WriteLine($"evaluating {learner} ..."));
            foreach (var metric in ErrorMetric.All)
            {
                stdout.WriteLine();
                stdout.WriteLine($"(a) {metric.Label}, mean [95% CI] over {config.Evaluation.Contexts} contexts:");
                stdout.Write(ErrorReport.FormatTable(points, metric.Name, ks));
            }
            stdout.WriteLine();
            stdout.WriteLine("transformer vs explicit GD (same contexts): cosine similarity and L2 distance of the predictions, mean [95% CI]:");
            foreach (string metric in new[] { "cosine_to_gd", "l2_to_gd" })
            {
                stdout.WriteLine(metric);
                stdout.Write(ErrorReport.FormatTable(agreement, metric, ks));
            }
            stdout.WriteLine($"wrote {Path.Combine(directory, TrainedModelEvaluation.ComparisonDirectory)}/");
        }
        if (noise)
        {
            var points = TrainedModelEvaluation.NoiseStudy(config, model, directory, level => stdout.WriteLine($"noise {level} ..."));
            int[] noiseKs = new[] { 2, 15, config.Task.N - 1 }.Where(k => k <= config.Task.N - 1).Distinct().ToArray();
            foreach (var metric in ErrorMetric.All)
            {
                stdout.WriteLine();
                stdout.WriteLine($"(b) {metric.Label} under reward noise p, mean [95% CI]:");
                stdout.Write(ErrorReport.FormatTable(points, metric.Name, noiseKs));
            }
            stdout.WriteLine($"wrote {Path.Combine(directory, TrainedModelEvaluation.NoiseDirectory)}/");
        }
    }

}
