using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>
/// Runs every learner on the same contexts and summarises each metric per k. The loop over learners is the only
/// place learners are compared, whether they are trained transformers or reference algorithms.
/// </summary>
public sealed class LearnerEvaluation(int bootstrapResamples = 1000, long seed = 0)
{
    /// <summary>The interval over contexts every point gets.</summary>
    public ContextBootstrap Bootstrap { get; } = new(bootstrapResamples, seed);

    /// <summary>Every learner's error at every prefix k and metric on <paramref name="batch"/>, each with its bootstrap interval over contexts.</summary>
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
                points.AddRange(Bootstrap.Summarise(learner.Name, metric.Name, metric.Compute(predictions, batch.Target)));
        }
        return points;
    }
}
