using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Metrics;

namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>
/// One ablation axis: configurations that differ in one component, trained with several seeds and evaluated on the
/// same fresh contexts of every task in <see cref="Tasks"/> at every evaluation reward-noise level.
/// </summary>
public sealed record SweepAxis(
    string Name,
    string Title,
    string SourcePath,
    string BasePath,
    ErrorMetric Metric,
    IReadOnlyList<int> Ks,
    IReadOnlyList<string> Tasks,
    IReadOnlyList<double> NoiseLevels,
    IReadOnlyList<SweepClaim> Claims,
    string? Note,
    IReadOnlyList<SweepConfiguration> Configurations,
    EvaluationSettings Evaluation,
    TaskSettings ContextShape,
    IReadOnlyList<string> TrainingTasks)
{
    /// <summary>The k at which claims are judged and configurations ranked: the last listed.</summary>
    public int DecisionK => Ks[^1];

    /// <summary>Predictions per context: after k = 1..N-1 triplets.</summary>
    public int PrefixCount => ContextShape.N - 1;

    /// <summary>The task name as reports show it: marked as a transfer when every configuration trained on another task.</summary>
    public string TaskLabel(string task) =>
        TrainingTasks is [var trainedOn] && trainedOn != task ? $"{task} (transfer, trained on {trainedOn})" : task;
}
