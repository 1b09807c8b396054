using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Metrics;

/// <summary>
/// Summarises errors over contexts: the mean per k and a 95% percentile-bootstrap interval, resampling contexts.
/// The resampling draws depend only on <see cref="Seed"/>, so the same errors always get the same interval.
/// </summary>
public sealed class ContextBootstrap
{
    /// <summary>A bootstrap of <paramref name="resamples"/> resamples (≥ 1) drawn from <paramref name="seed"/>.</summary>
    public ContextBootstrap(int resamples = 1000, long seed = 0)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "must be at least 1");
        Resamples = resamples;
        Seed = seed;
    }

    /// <summary>Resamples of the contexts per interval.</summary>
    public int Resamples { get; }
    /// <summary>Seed of the resampling draws.</summary>
    public long Seed { get; }

    /// <summary>One point per k of errors [B, K] (B contexts, K prefixes).</summary>
    public IReadOnlyList<ErrorPoint> Summarise(string learner, string metric, Tensor errors)
    {
        using var scope = NewDisposeScope();
        // On the CPU, where the seeded generator draws and the summary is read.
        var values = errors.to(ScalarType.Float64, CPU);
        int contexts = (int)values.shape[0], prefixes = (int)values.shape[1];
        using var generator = Seeds.Generator(Seed, "bootstrap");
        var resampled = randint(0, contexts, [Resamples, contexts], generator: generator);
        var means = values.index_select(0, resampled.flatten()).view(Resamples, contexts, prefixes).mean([1]); // [R, K]
        var bounds = means.quantile(tensor(new[] { 0.025, 0.975 }, ScalarType.Float64), dim: 0);              // [2, K]
        var mean = values.mean([0]).data<double>().ToArray();
        var low = bounds[0].data<double>().ToArray();
        var high = bounds[1].data<double>().ToArray();
        return Enumerable.Range(0, prefixes)
            .Select(k => new ErrorPoint(learner, metric, k + 1, mean[k], low[k], high[k], contexts))
            .ToList();
    }
}
