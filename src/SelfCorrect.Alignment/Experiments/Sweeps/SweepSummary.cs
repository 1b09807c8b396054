using System.Globalization;
using SelfCorrect.Alignment.Metrics;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>One configuration's error on one task at one noise level, metric and k, summarised across seeds.</summary>
internal sealed record SweepCell(SweepAxis Axis, string Configuration, string Task, double Noise, string Metric, int K, SeedSummary Summary);

/// <summary>The errors of a sweep gathered per axis across seeds, with the MeanResponse baseline on the same contexts.</summary>
internal sealed class SweepSummary
{
    public const string BaselineName = "MeanResponse";

    public SweepSummary(SweepPlan plan, IReadOnlyList<SweepObservation> observations, IReadOnlyList<SweepObservation> baselines)
    {
        Plan = plan;
        Cells = [.. Gather(observations, o => o.Run.Configuration.Name)];
        Baselines = [.. Gather(baselines, _ => BaselineName)];
    }

    public SweepPlan Plan { get; }
    public IReadOnlyList<SweepCell> Cells { get; }
    public IReadOnlyList<SweepCell> Baselines { get; }

    public SweepCell? Find(SweepAxis axis, string configuration, string task, double noise, int k, string? metric = null) =>
        (configuration == BaselineName ? Baselines : Cells).FirstOrDefault(c => c.Axis == axis && c.Configuration == configuration && c.Task == task
            && c.Noise == noise && c.K == k && c.Metric == (metric ?? axis.Metric.Name));

    /// <summary>Configurations of the axis that have results, in the sweep file's order.</summary>
    public IReadOnlyList<string> Configurations(SweepAxis axis) =>
        [.. axis.Configurations.Select(c => c.Name).Where(name => Cells.Any(cell => cell.Axis == axis && cell.Configuration == name))];

    /// <summary>
    /// error(p_max) - error(p_min) at the decision k, per seed, then across seeds: how much a configuration degrades
    /// as the critic's rewards get noisier (only for axes evaluated at several noise levels).
    /// </summary>
    public SeedSummary? Degradation(SweepAxis axis, string configuration, string task)
    {
        if (axis.NoiseLevels.Count < 2) return null;
        var clean = Find(axis, configuration, task, axis.NoiseLevels.Min(), axis.DecisionK);
        var noisy = Find(axis, configuration, task, axis.NoiseLevels.Max(), axis.DecisionK);
        if (clean is null || noisy is null || clean.Summary.Seeds != noisy.Summary.Seeds) return null;
        return SeedSummary.FromSeeds([.. noisy.Summary.Values.Zip(clean.Summary.Values, (n, c) => n - c)]);
    }

    /// <summary>summary.csv: every cell, baselines included (source = baseline, interval over contexts).</summary>
    public string ToCsv()
    {
        var lines = new List<string> { "axis,configuration,source,task,noise,metric,k,seeds,mean,sd,ci_low,ci_high,seed_values" };
        foreach (var (cell, source) in Cells.Select(c => (c, "transformer")).Concat(Baselines.Select(c => (c, "baseline"))))
        {
            var s = cell.Summary;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{cell.Axis.Name},{cell.Configuration},{source},{cell.Task},{cell.Noise},{cell.Metric},{cell.K},{(source == "baseline" ? 0 : s.Seeds)},{s.Mean:R},{s.StandardDeviation:R},{s.Low:R},{s.High:R},{string.Join(';', s.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}"));
        }
        return string.Join('\n', lines) + "\n";
    }

    private static IEnumerable<SweepCell> Gather(IReadOnlyList<SweepObservation> observations, Func<SweepObservation, string> name) =>
        from o in observations
        from point in o.Points
        group (o.Run.Seed, point) by (o.Run.Axis, Configuration: name(o), o.Task, o.Noise, point.Metric, point.K) into g
        let seeds = g.OrderBy(x => x.Seed).ToList()
        select new SweepCell(g.Key.Axis, g.Key.Configuration, g.Key.Task, g.Key.Noise, g.Key.Metric, g.Key.K,
            SeedSummary.FromSeeds([.. seeds.Select(x => x.point.Mean)], seeds[0].point.Low, seeds[0].point.High));
}
