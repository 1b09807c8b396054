using System.Diagnostics;
using System.Globalization;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// <c>ica sweep</c>: reads the sweep, takes (or continues) its directory, trains and evaluates every run
/// (<see cref="SweepRunner"/>), evaluates the MeanResponse baseline on the same contexts, then writes the summary,
/// figures and report (<see cref="SweepReport"/>) and prints the summary table.
/// </summary>
public static class SweepExperiment
{
    /// <summary>Runs the sweep, printing progress and the table to <paramref name="output"/>; an interrupted sweep writes no report.</summary>
    public static SweepOutcome Run(SweepRequest request, TextWriter output, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        request.Validate();
        string path;
        try
        {
            path = SweepFile.Resolve(request.Preset);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            throw new InvalidSettingException(nameof(request.Preset), e.Message);
        }
        var sweep = SweepFile.Load(path);
        string directory = request.OutputDirectory ?? Path.Combine("runs", "sweeps", sweep.Name);
        var plan = new SweepPlan(sweep, request.Seeds, directory);
        using var sweepDirectory = RunDirectory.CreateOrContinue(directory, LabRuns.Sweep, request.Force, nameof(request.OutputDirectory));

        // libtorch's intra-op thread count is process-wide: every training thread uses this many.
        int threadsPerRun = request.Threads is { } total ? TorchThreads.Apply(Math.Max(1, total / request.Parallel)) : TorchThreads.Apply(null, request.Parallel);
        var device = TorchDevices.Resolve(request.Device, nameof(request.Device));
        string deviceName = TorchDevices.Describe(device);
        output.WriteLine($"sweep {sweep.Name}: {sweep.Axes.Count} axis/axes, {plan.Runs.Count} (configuration, seed) runs, {plan.Trainings.Count} distinct trainings; " +
            $"{request.Parallel} at a time with {threadsPerRun} thread(s) each on {deviceName}; directory {directory}");

        var outcome = new SweepRunner(plan, request.Parallel, output, device).Run(cancellationToken);
        if (outcome.Interrupted) return outcome;
        output.WriteLine("evaluating the MeanResponse baseline on the same contexts ...");
        var baselines = sweep.Axes.SelectMany(axis => SweepRunner.EvaluateBaseline(axis, plan.Runs.First(r => r.Axis == axis), device)).ToList();
        var summary = new SweepSummary(plan, outcome.Observations, baselines);
        int trainedNow = outcome.Trainings.Count(t => t.Status is SweepRunStatus.Trained or SweepRunStatus.Resumed);
        string information = string.Create(CultureInfo.InvariantCulture,
            $"this invocation: {clock.Elapsed.TotalSeconds:0} s wall time before writing the report, {trainedNow} of {plan.Trainings.Count} trainings trained or resumed (the rest finished earlier), {request.Parallel} at a time with {threadsPerRun} libtorch thread(s) each on {deviceName}, {TorchThreads.PhysicalCores} physical core(s) of {Environment.ProcessorCount} processor(s); training logs record {outcome.Trainings.Sum(t => t.TrainingSeconds):0} s of training in all sessions together");
        var figures = SweepReport.Write(summary, outcome.Trainings, information);

        output.WriteLine();
        output.Write(SweepReport.FormatTable(summary));
        output.WriteLine($"wrote {Path.Combine(directory, SweepReport.ReportFile)}, {SweepReport.SummaryFile} and {figures.Count} figure(s) (PNG + SVG)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time {clock.Elapsed.TotalSeconds:0} s ({clock.Elapsed.TotalMinutes:0.0} min)"));
        return outcome;
    }
}
