using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>Mean error of one learner after k examples under one metric, with a 95% bootstrap interval over contexts.</summary>
public sealed record ErrorPoint(string Learner, string Metric, int K, double Mean, double Low, double High, int Contexts);

/// <summary>
/// Runs every learner on the same contexts and summarises each metric per k. The loop over learners is the only
/// place learners are compared, whether they are trained transformers or reference algorithms.
/// </summary>
public sealed class LearnerEvaluation
{
    public LearnerEvaluation(int bootstrapResamples = 1000, long seed = 0)
    {
        if (bootstrapResamples < 1) throw new ArgumentOutOfRangeException(nameof(bootstrapResamples), bootstrapResamples, "must be at least 1");
        BootstrapResamples = bootstrapResamples;
        Seed = seed;
    }

    public int BootstrapResamples { get; }
    public long Seed { get; }

    public IReadOnlyList<ErrorPoint> Evaluate(IEnumerable<IInContextLearner> learners, AlignmentBatch batch,
        IReadOnlyList<ErrorMetric>? metrics = null, Action<string>? progress = null)
    {
        metrics ??= ErrorMetric.All;
        var points = new List<ErrorPoint>();
        foreach (var learner in learners)
        {
            progress?.Invoke(learner.Name);
            using var scope = NewDisposeScope();
            Tensor predictions;
            using (no_grad()) predictions = learner.Predict(batch);
            foreach (var metric in metrics)
                points.AddRange(Summarise(learner.Name, metric.Name, metric.Compute(predictions, batch.Target)));
        }
        return points;
    }

    /// <summary>Mean and percentile-bootstrap 95% interval per k of errors [B, K]; the resampling seed depends only on Seed.</summary>
    public IReadOnlyList<ErrorPoint> Summarise(string learner, string metric, Tensor errors)
    {
        using var scope = NewDisposeScope();
        var values = errors.to_type(ScalarType.Float64);
        int contexts = (int)values.shape[0], prefixes = (int)values.shape[1];
        using var generator = Seeds.Generator(Seed, "bootstrap");
        var resampled = randint(0, contexts, [BootstrapResamples, contexts], generator: generator);
        var means = values.index_select(0, resampled.flatten()).view(BootstrapResamples, contexts, prefixes).mean([1]); // [R, K]
        var bounds = means.quantile(tensor(new[] { 0.025, 0.975 }, ScalarType.Float64), dim: 0);                          // [2, K]
        var mean = values.mean([0]).data<double>().ToArray();
        var low = bounds[0].data<double>().ToArray();
        var high = bounds[1].data<double>().ToArray();
        return Enumerable.Range(0, prefixes)
            .Select(k => new ErrorPoint(learner, metric, k + 1, mean[k], low[k], high[k], contexts))
            .ToList();
    }
}
