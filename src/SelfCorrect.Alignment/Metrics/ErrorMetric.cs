using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Metrics;

/// <summary>How far a prediction is from the hidden target y*, per context and prefix.</summary>
public abstract class ErrorMetric
{
    /// <summary>1 - cos(ŷ, y*): the reference implementation's metric (its plots call it "normalized MSE"; it is not).</summary>
    public static readonly ErrorMetric OneMinusCosine = new OneMinusCosineMetric();

    /// <summary>||ŷ - y*||² / ||y*||².</summary>
    public static readonly ErrorMetric NormalizedSquaredError = new NormalizedSquaredErrorMetric();

    /// <summary>Every metric, in report order.</summary>
    public static readonly IReadOnlyList<ErrorMetric> All = [OneMinusCosine, NormalizedSquaredError];

    /// <summary>Machine name used in files.</summary>
    public abstract string Name { get; }

    /// <summary>Label used in plots and tables.</summary>
    public abstract string Label { get; }

    /// <summary>Errors [B, K] of predictions [B, K, d] against targets [B, d].</summary>
    public abstract Tensor Compute(Tensor predictions, Tensor target);

    /// <summary>The metric of a <see cref="Name"/>; an unknown one is an <see cref="ArgumentException"/> listing the names.</summary>
    public static ErrorMetric Parse(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown metric '{name}' (expected one of: {string.Join(", ", All.Select(m => m.Name))})");

    private sealed class OneMinusCosineMetric : ErrorMetric
    {
        public override string Name => "one_minus_cosine";
        public override string Label => "1 - cos(ŷ, y*) (reference metric)";

        public override Tensor Compute(Tensor predictions, Tensor target) =>
            1 - nn.functional.cosine_similarity(predictions, target.unsqueeze(1), dim: -1);
    }

    private sealed class NormalizedSquaredErrorMetric : ErrorMetric
    {
        public override string Name => "normalized_squared_error";
        public override string Label => "||ŷ - y*||² / ||y*||²";

        public override Tensor Compute(Tensor predictions, Tensor target) =>
            (predictions - target.unsqueeze(1)).square().sum(-1) / target.square().sum(-1, keepdim: true);
    }
}
