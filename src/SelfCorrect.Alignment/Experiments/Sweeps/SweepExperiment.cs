using System.Diagnostics;
using System.Globalization;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// <c>ica sweep</c>: reads the sweep, marks (or continues) its directory, trains and evaluates its trainings (all,
/// or one shard's, <see cref="SweepRunner"/>), then, once every training of the sweep is finished, evaluates the
/// MeanResponse baseline on the same contexts, writes the summary, figures and report (<see cref="SweepReport"/>) and
/// prints the summary table. Shards write the summary in turn under the sweep directory's lock, so the last one to
/// finish writes it from everyone's runs.
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
        if (request.Aggregate)
        {
            if (!RunDirectory.Holds(directory, LabRuns.Sweep))
                throw new InvalidSettingException(nameof(request.OutputDirectory), $"'{directory}' holds no selfcorrect {LabRuns.Sweep} to aggregate");
            return Summarise(plan, new SweepOutcome([], [], false), request, output, clock, "aggregation only");
        }
        // Taken only to mark (or clear) the sweep: the shards of a job array share the directory.
        RunDirectory.CreateOrContinueWaiting(directory, LabRuns.Sweep, request.Force, nameof(request.OutputDirectory), cancellationToken).Dispose();

        var shard = request.Shard ?? Shard.Whole;
        var units = plan.TrainingsOf(shard);
        // libtorch's intra-op thread count is process-wide: every training thread uses this many.
        int threadsPerRun = request.Threads is { } total ? TorchThreads.Apply(Math.Max(1, total / request.Parallel)) : TorchThreads.Apply(null, request.Parallel);
        var device = TorchDevices.Resolve(request.Device, nameof(request.Device));
        string part = shard.IsPartial
            ? string.Create(CultureInfo.InvariantCulture, $"shard {shard}: {units.Count} of them, {units.Sum(SweepPlan.EstimatedCost) / plan.Trainings.Sum(SweepPlan.EstimatedCost):P0} of the estimated cost; ")
            : "";
        output.WriteLine($"sweep {sweep.Name}: {sweep.Axes.Count} axis/axes, {plan.Runs.Count} (configuration, seed) runs, {plan.Trainings.Count} distinct trainings; " +
            $"{part}{request.Parallel} at a time with {threadsPerRun} thread(s) each on {TorchDevices.Describe(device)}; directory {directory}");

        var outcome = new SweepRunner(plan, request.Parallel, output, device).Run(units, cancellationToken);
        if (outcome.Interrupted) return outcome;
        int trainedNow = outcome.Trainings.Count(t => t.Status is SweepRunStatus.Trained or SweepRunStatus.Resumed);
        return Summarise(plan, outcome, request, output, clock,
            $"{trainedNow} of {plan.Trainings.Count} trainings trained or resumed (the rest finished earlier or elsewhere), {request.Parallel} at a time with {threadsPerRun} libtorch thread(s) each on {TorchDevices.Describe(device)}");
    }

    /// <summary>
    /// Writes the summary when every training of the sweep is finished, holding the sweep directory meanwhile (shards
    /// take it in turn); otherwise says which trainings are missing and returns them in <see cref="SweepOutcome.Unfinished"/>.
    /// </summary>
    private static SweepOutcome Summarise(SweepPlan plan, SweepOutcome outcome, SweepRequest request, TextWriter output, Stopwatch clock, string thisInvocation)
    {
        using var sweepDirectory = RunDirectory.CreateOrContinueWaiting(plan.OutputDirectory, LabRuns.Sweep, replace: false, nameof(request.OutputDirectory));
        var collected = SweepRunner.Collect(plan);
        var result = request.Aggregate ? new SweepOutcome(collected.Trainings, collected.Observations, false) : outcome;
        if (!collected.Complete)
        {
            output.WriteLine($"summary not written yet: {collected.Unfinished.Count} of {plan.Trainings.Count} trainings are not finished " +
                $"({string.Join(", ", collected.Unfinished.Select(r => r.Label))}); the last shard to finish, or `ica sweep --aggregate`, writes it");
            return result with { Unfinished = collected.Unfinished };
        }
        output.WriteLine("evaluating the MeanResponse baseline on the same contexts ...");
        var device = TorchDevices.Resolve(request.Device, nameof(request.Device));
        var baselines = plan.Sweep.Axes.SelectMany(axis => SweepRunner.EvaluateBaseline(axis, plan.Runs.First(r => r.Axis == axis), device)).ToList();
        var summary = new SweepSummary(plan, collected.Observations, baselines);
        var trainings = collected.Trainings.Select(t => outcome.Trainings.FirstOrDefault(o => o.Run == t.Run && o.Status != SweepRunStatus.Busy) ?? t).ToList();
        string information = string.Create(CultureInfo.InvariantCulture,
            $"this invocation: {clock.Elapsed.TotalSeconds:0} s wall time before writing the report, {thisInvocation}, {TorchThreads.PhysicalCores} physical core(s) of {Environment.ProcessorCount} processor(s); training logs record {trainings.Sum(t => t.TrainingSeconds):0} s of training in all sessions together");
        var figures = SweepReport.Write(summary, trainings, information);

        output.WriteLine();
        output.Write(SweepReport.FormatTable(summary));
        output.WriteLine($"wrote {Path.Combine(plan.OutputDirectory, SweepReport.ReportFile)}, {SweepReport.SummaryFile} and {figures.Count} figure(s) (PNG + SVG)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time {clock.Elapsed.TotalSeconds:0} s ({clock.Elapsed.TotalMinutes:0.0} min)"));
        return result;
    }
}
