using System.CommandLine;
using SelfCorrect.Alignment.Experiments.Sweeps;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>ica sweep</c>: component ablations, each configuration trained with several seeds and compared on the same contexts.</summary>
public static class IcaSweepCommand
{
    private const int FailureExitCode = 1;

    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Sweep name (from experiments/sweeps/, e.g. depth-quick, all-quick) or a sweep YAML file.", Required = true };
        var seeds = new Option<int>("--seeds") { Description = "Training seeds per configuration (training.seed = 0..N-1).", DefaultValueFactory = _ => 3 };
        var output = new Option<string?>("--out") { Description = "Sweep directory (default: runs/sweeps/<sweep>). Rerunning into it resumes the sweep." };
        var parallel = new Option<int>("--parallel") { Description = "Trainings at a time; the threads are split between them.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = $"libtorch threads in all (default: the physical cores, {SelfCorrect.Alignment.TorchThreads.PhysicalCores} here), split evenly between the --parallel trainings." };
        var device = TorchOptions.Device();
        var force = new Option<bool>("--force") { Description = "Delete the sweep directory first and start over." };
        var aggregate = new Option<bool>("--aggregate") { Description = "Train nothing: write the summary from the runs the shards finished, or fail naming the trainings still missing." };
        var jobs = new JobArrayOptions();
        var command = new Command("sweep", "Train every configuration of an ablation sweep with several seeds, evaluate all on the same fresh contexts, and write a summary table, figures and a report.")
        {
            preset, seeds, output, parallel, threads, device, force, aggregate,
        };
        jobs.AddTo(command);
        command.MapSetting(nameof(SweepRequest.Preset), preset)
            .MapSetting(nameof(SweepRequest.Seeds), seeds)
            .MapSetting(nameof(SweepRequest.OutputDirectory), output)
            .MapSetting(nameof(SweepRequest.Parallel), parallel)
            .MapSetting(nameof(SweepRequest.Threads), threads)
            .MapSetting(nameof(SweepRequest.Device), device)
            .MapSetting(nameof(SweepRequest.Force), force)
            .MapSetting(nameof(SweepRequest.Aggregate), aggregate);
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new SweepRequest
            {
                Preset = parse.GetValue(preset)!,
                Seeds = parse.GetValue(seeds),
                OutputDirectory = parse.GetValue(output),
                Parallel = parse.GetValue(parallel),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device),
                Force = parse.GetValue(force),
                Aggregate = parse.GetValue(aggregate),
                Shard = jobs.ReadShard(parse),
            };
            request.Validate();
            if (jobs.TryEmit(parse, $"sweep-{Path.GetFileNameWithoutExtension(request.Preset)}", arguments => [.. arguments, "--aggregate"]))
                return Task.FromResult(0);
            var outcome = SweepExperiment.Run(request, parse.InvocationConfiguration.Output, cancellationToken);
            if (outcome.Interrupted)
            {
                parse.InvocationConfiguration.Output.WriteLine("interrupted; checkpoints are saved. Continue with the same command: it skips finished runs and resumes the rest.");
                return Task.FromResult(CliApp.CancelledExitCode);
            }
            if (request.Aggregate && outcome.Unfinished.Count > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {outcome.Unfinished.Count} training(s) are not finished: {string.Join(", ", outcome.Unfinished.Select(r => r.Label))}; rerun their shards (they resume), then aggregate again");
                return Task.FromResult(FailureExitCode);
            }
            if (outcome.Diverged.Count == 0) return Task.FromResult(0);
            parse.InvocationConfiguration.Error.WriteLine($"error: {outcome.Diverged.Count} training(s) diverged and are left out of the summary: {string.Join(", ", outcome.Diverged.Select(d => d.Run.Label))}");
            return Task.FromResult(FailureExitCode);
        });
        return command;
    }
}
