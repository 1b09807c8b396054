using SelfCorrect.Alignment.Metrics;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Learners;

/// <summary>Result of a step-size search: the chosen η and the held-out error of every candidate.</summary>
internal sealed record EtaSearchResult(double BestEta, IReadOnlyList<(double Eta, double Error)> Candidates);

/// <summary>
/// Chooses the step size of <see cref="ExplicitGradientDescent"/> on held-out contexts (never the evaluation ones):
/// the η with the lowest normalised squared error averaged over every k.
/// </summary>
internal static class EtaGridSearch
{
    /// <summary>η from 1e-4 to 1 on a log grid, three per decade.</summary>
    public static readonly IReadOnlyList<double> DefaultGrid =
        Enumerable.Range(0, 13).Select(i => Math.Round(Math.Pow(10, -4 + i / 3.0), 6)).ToList();

    public static EtaSearchResult Search(Func<double, IInContextLearner> learnerForEta, AlignmentBatch heldOut,
        IEnumerable<double>? grid = null)
    {
        var candidates = new List<(double Eta, double Error)>();
        foreach (double eta in grid ?? DefaultGrid)
        {
            using var scope = NewDisposeScope();
            Tensor predictions;
            using (no_grad()) predictions = learnerForEta(eta).Predict(heldOut);
            double error = ErrorMetric.NormalizedSquaredError.Compute(predictions, heldOut.Target).mean().to_type(ScalarType.Float64).item<double>();
            candidates.Add((eta, double.IsFinite(error) ? error : double.PositiveInfinity));
        }
        var best = candidates.MinBy(c => c.Error);
        if (double.IsPositiveInfinity(best.Error))
            throw new InvalidOperationException("every step size in the grid diverged");
        return new EtaSearchResult(best.Eta, candidates);
    }
}
