using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Experiments.Sweeps;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>ica sweep</c>: component ablations, each configuration trained with several seeds and compared on the same contexts.</summary>
public static class IcaSweepCommand
{
    private const int DivergedExitCode = 1;

    /// <summary>Written first into a sweep's output directory, so a rerun knows the directory is a sweep's to resume.</summary>
    private const string MarkerFile = "sweep.txt";

    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Sweep name (from experiments/sweeps/, e.g. depth-quick, all-quick) or a sweep YAML file.", Required = true };
        var seeds = new Option<int>("--seeds") { Description = "Training seeds per configuration (training.seed = 0..N-1).", DefaultValueFactory = _ => 3 };
        var output = new Option<string?>("--out") { Description = "Sweep directory (default: runs/sweeps/<sweep>). Rerunning into it resumes the sweep." };
        var parallel = new Option<int>("--parallel") { Description = "Trainings at a time; the threads are split between them.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads in all (default: the number of cores), split evenly between the --parallel trainings." };
        var force = new Option<bool>("--force") { Description = "Delete the sweep directory first and start over." };
        var command = new Command("sweep", "Train every configuration of an ablation sweep with several seeds, evaluate all on the same fresh contexts, and write a summary table, figures and a report.")
        {
            preset, seeds, output, parallel, threads, force,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var clock = Stopwatch.StartNew();
            var stdout = parse.InvocationConfiguration.Output;
            int parallelRuns = parse.GetValue(parallel);
            if (parallelRuns < 1) throw new UsageException($"--parallel: must be at least 1 (got {parallelRuns})");
            int totalThreads = parse.GetValue(threads) ?? Environment.ProcessorCount;
            if (totalThreads < 1) throw new UsageException($"--threads: must be at least 1 (got {totalThreads})");
            var sweep = SweepFile.Load(parse.GetValue(preset)!);
            string directory = parse.GetValue(output) ?? Path.Combine("runs", "sweeps", sweep.Name);
            var plan = new SweepPlan(sweep, parse.GetValue(seeds), directory);
            PrepareDirectory(directory, sweep, parse.GetValue(force));

            int threadsPerRun = Math.Max(1, totalThreads / parallelRuns);
            // libtorch's intra-op thread count is process-wide: every training thread uses this many.
            TorchSharp.torch.set_num_threads(threadsPerRun);
            stdout.WriteLine($"sweep {sweep.Name}: {sweep.Axes.Count} axis/axes, {plan.Runs.Count} (configuration, seed) runs, {plan.Trainings.Count} distinct trainings; " +
                $"{parallelRuns} at a time with {threadsPerRun} thread(s) each; directory {directory}");

            var outcome = new SweepRunner(plan, parallelRuns, stdout).Run(cancellationToken);
            if (outcome.Interrupted)
            {
                stdout.WriteLine($"interrupted; checkpoints are saved. Continue with the same command: it skips finished runs and resumes the rest.");
                return Task.FromResult(CliApp.CancelledExitCode);
            }
            stdout.WriteLine("evaluating the MeanResponse baseline on the same contexts ...");
            var baselines = sweep.Axes.SelectMany(axis => SweepRunner.EvaluateBaseline(axis, plan.Runs.First(r => r.Axis == axis))).ToList();
            var summary = new SweepSummary(plan, outcome.Observations, baselines);
            int trainedNow = outcome.Trainings.Count(t => t.Status is SweepRunStatus.Trained or SweepRunStatus.Resumed);
            string information = string.Create(CultureInfo.InvariantCulture,
                $"this invocation: {clock.Elapsed.TotalSeconds:0} s wall time before writing the report, {trainedNow} of {plan.Trainings.Count} trainings trained or resumed (the rest finished earlier), {parallelRuns} at a time with {threadsPerRun} libtorch thread(s) each, on {Environment.ProcessorCount} cores; training logs record {outcome.Trainings.Sum(t => t.TrainingSeconds):0} s of training in all sessions together");
            var figures = SweepReport.Write(summary, outcome.Trainings, information);

            stdout.WriteLine();
            stdout.Write(SweepReport.FormatTable(summary));
            stdout.WriteLine($"wrote {Path.Combine(directory, SweepReport.ReportFile)}, {SweepReport.SummaryFile} and {figures.Count} figure(s) (PNG + SVG)");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time {clock.Elapsed.TotalSeconds:0} s ({clock.Elapsed.TotalMinutes:0.0} min)"));
            var diverged = outcome.Trainings.Where(t => t.Status == SweepRunStatus.Diverged).ToList();
            if (diverged.Count == 0) return Task.FromResult(0);
            parse.InvocationConfiguration.Error.WriteLine($"error: {diverged.Count} training(s) diverged and are left out of the summary: {string.Join(", ", diverged.Select(d => d.Run.Label))}");
            return Task.FromResult(DivergedExitCode);
        });
        return command;
    }

    /// <summary>A new directory, or one this sweep wrote before (resumed); anything else needs --force.</summary>
    private static void PrepareDirectory(string directory, SweepDefinition sweep, bool force)
    {
        string marker = Path.Combine(directory, MarkerFile);
        bool ours = File.Exists(marker);
        if (!ours || force) RunDirectory.Prepare(directory, force);
        AtomicFile.WriteAllText(marker, $"selfcorrect ica sweep directory for {sweep.SourcePath}\n");
    }
}
