namespace SelfCorrect.Alignment.Tasks;

/// <summary>Looks tasks up by the names used on the command line and in presets.</summary>
public static class AlignmentTasks
{
    /// <summary>The tasks a preset or the command line may name: <c>reference</c> and <c>noisy</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["reference", "noisy"];

    /// <summary>The named task; an unknown name is an <see cref="ArgumentException"/> listing <see cref="Names"/>.</summary>
    /// <param name="name">A name in <see cref="Names"/>.</param>
    /// <param name="dimension">d (≥ 1).</param>
    /// <param name="responseCount">N (≥ 2).</param>
    /// <param name="noiseScale">σ of the noisy task; ignored by the reference task.</param>
    public static IAlignmentTask Create(string name, int dimension, int responseCount, double noiseScale = 1.0) =>
        name switch
        {
            "reference" => new ReferenceLinearAlignment(dimension, responseCount),
            "noisy" => new NoisyLinearAlignment(dimension, responseCount, noiseScale),
            _ => throw new ArgumentException($"unknown task '{name}' (expected one of: {string.Join(", ", Names)})"),
        };

    internal static void Validate(int dimension, int responseCount)
    {
        if (dimension < 1)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension d must be at least 1");
        if (responseCount < 2)
            throw new ArgumentOutOfRangeException(nameof(responseCount), responseCount, "responses per context N must be at least 2");
    }
}
