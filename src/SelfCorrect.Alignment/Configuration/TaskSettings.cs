namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>task:</c> section of a preset: the synthetic task the model trains on and is evaluated on.</summary>
public sealed class TaskSettings
{
    /// <summary>reference | noisy.</summary>
    public string Name { get; set; } = "reference";
    /// <summary>Dimension d of queries and responses (≥ 1).</summary>
    public int D { get; set; } = 5;
    /// <summary>Triplets (responses) per context N (≥ 2).</summary>
    public int N { get; set; } = 20;

    /// <summary>σ of the noisy task.</summary>
    public double NoiseScale { get; set; } = 1.0;
}
