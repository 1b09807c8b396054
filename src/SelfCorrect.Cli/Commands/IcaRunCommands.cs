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
        yield return EvaluationCommand("noise", "Result (b) for a trained run: reward noise at evaluation for the transformer, explicit GD and the reference's Adam baseline (its shrinking and a fixed step budget).", noise: true);
    }

    private static Command TrainingCommand(string name, string description, bool evaluate)
    {
        var preset = new Option<string>("--preset") { Description = "Preset name (quick, paper, …, from experiments/) or a YAML file.", DefaultValueFactory = _ => TrainingRunRequest.DefaultPreset };
        var output = new Option<string?>("--out") { Description = "Run directory (default: runs/<preset>)." };
        var set = new Option<string[]>("--set") { Description = "Override a preset value, e.g. --set training.steps=500 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var force = new Option<bool>("--force") { Description = "Replace an existing run directory." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };
        var threads = TorchOptions.Threads();
        var device = TorchOptions.Device();
        var command = new Command(name, description) { preset, output, set, force, resume, threads, device };
        command.MapSetting(nameof(TrainingRunRequest.Preset), preset)
            .MapSetting(nameof(TrainingRunRequest.Overrides), set)
            .MapSetting(nameof(TrainingRunRequest.OutputDirectory), output)
            .MapSetting(nameof(TrainingRunRequest.Force), force)
            .MapSetting(nameof(TrainingRunRequest.Resume), resume)
            .MapSetting(nameof(TrainingRunRequest.Threads), threads)
            .MapSetting(nameof(TrainingRunRequest.Device), device);
        command.SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            using var run = TrainingRun.Start(new TrainingRunRequest
            {
                // Only a preset the user named is compared with a resumed run's own settings.
                Preset = parse.GetResult(preset) is { Implicit: false } ? parse.GetValue(preset) : null,
                Overrides = parse.GetValue(set) ?? [],
                OutputDirectory = parse.GetValue(output),
                Force = parse.GetValue(force),
                Resume = parse.GetValue(resume),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device),
            });
            stdout.WriteLine($"run directory: {run.Directory} (device {SelfCorrect.Alignment.TorchDevices.Describe(run.Device)})");
            TrainingOutcome outcome;
            try
            {
                outcome = TrainingProgressDisplay.Run(stdout, progress => run.Train(progress, cancellationToken));
            }
            catch (TrainingDivergedException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(TrainingFailedExitCode);
            }
            if (outcome.Status == TrainingStatus.Interrupted)
            {
                stdout.WriteLine($"interrupted at step {outcome.Step}; checkpoint saved. Continue with: selfcorrect ica {name} --out {run.Directory} --resume");
                return Task.FromResult(CliApp.CancelledExitCode);
            }
            stdout.WriteLine($"trained {outcome.Step} steps, final loss {outcome.LastLoss:0.0000}, {outcome.Elapsed.TotalSeconds:0.0} s this session");
            if (evaluate) run.Evaluate(stdout);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command EvaluationCommand(string name, string description, bool noise)
    {
        var run = new Option<string>("--run") { Description = "A trained run directory.", Required = true };
        var threads = TorchOptions.Threads();
        var device = TorchOptions.Device();
        var command = new Command(name, description) { run, threads, device };
        command.MapSetting(nameof(RunEvaluationRequest.RunDirectory), run)
            .MapSetting(nameof(RunEvaluationRequest.Threads), threads)
            .MapSetting(nameof(RunEvaluationRequest.Device), device);
        command.SetAction(parse =>
        {
            TrainedModelEvaluation.Run(new RunEvaluationRequest
            {
                RunDirectory = parse.GetValue(run)!,
                Comparison = !noise,
                Noise = noise,
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device),
            }, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
