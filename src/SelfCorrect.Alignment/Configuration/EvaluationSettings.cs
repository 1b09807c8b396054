namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>evaluation:</c> section of a preset: the fresh contexts every trained model is compared on.</summary>
public sealed class EvaluationSettings
{
    public int Contexts { get; set; } = 1024;
    public long Seed { get; set; } = 1;
    public int HeldOutContexts { get; set; } = 512;

    /// <summary>Step budget of explicit GD, the same at every noise level.</summary>
    public int GdSteps { get; set; } = 20;
    public int Bootstrap { get; set; } = 1000;
    public List<double> NoiseLevels { get; set; } = [0, 0.25, 0.5, 0.75, 1];
}
