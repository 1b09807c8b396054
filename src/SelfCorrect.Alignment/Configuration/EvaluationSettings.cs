namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>evaluation:</c> section of a preset: the fresh contexts every trained model is compared on.</summary>
public sealed class EvaluationSettings
{
    /// <summary>Fresh evaluation contexts (≥ 1).</summary>
    public int Contexts { get; set; } = 1024;
    /// <summary>Seed of the evaluation contexts, apart from training's so that no model sees them while training.</summary>
    public long Seed { get; set; } = 1;
    /// <summary>Contexts, apart from the evaluation ones, on which the step size η of explicit GD is grid-searched.</summary>
    public int HeldOutContexts { get; set; } = 512;

    /// <summary>Step budget of explicit GD, the same at every noise level.</summary>
    public int GdSteps { get; set; } = 20;
    /// <summary>Resamples of the contexts behind each error's confidence interval.</summary>
    public int Bootstrap { get; set; } = 1000;
    /// <summary>Probabilities p in [0, 1] that a shown reward is replaced by a fresh U(0, 1) draw, one noise-study row each.</summary>
    public List<double> NoiseLevels { get; set; } = [0, 0.25, 0.5, 0.75, 1];
}
