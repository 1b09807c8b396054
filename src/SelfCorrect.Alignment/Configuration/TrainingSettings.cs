namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>training:</c> section of a preset: optimiser, schedule, seed and the training loss.</summary>
public sealed class TrainingSettings
{
    public int Steps { get; set; } = 3000;
    public int BatchSize { get; set; } = 256;

    /// <summary>Contexts per forward/backward pass, gradients accumulated up to batch_size (0: the whole batch at once).
    /// The same batch and the same gradient up to rounding; smaller passes need less memory and run faster on CPU.</summary>
    public int MicroBatchSize { get; set; }
    public double LearningRate { get; set; } = 1e-4;

    /// <summary>constant (reference) | cosine: decays from learning_rate to a tenth of it at the last step, which
    /// steadies the end of short, high-learning-rate runs.</summary>
    public string LearningRateSchedule { get; set; } = "constant";
    public long Seed { get; set; }

    /// <summary>Policy reward of the online PL loss: cosine (reference) | squared-distance (theory).</summary>
    public string Reward { get; set; } = "cosine";
    public double Temperature { get; set; } = 1.0;

    /// <summary>Smallest prefix length in the online PL loss (the reference skips n &lt; 2).</summary>
    public int MinPrefix { get; set; } = 2;

    /// <summary>Probability that a training reward is replaced by a fresh U(0,1) draw.</summary>
    public double RewardNoise { get; set; }
    public int CheckpointEvery { get; set; } = 250;
    public int LogEvery { get; set; } = 10;
    public CurriculumSettings? Curriculum { get; set; }

    public static readonly IReadOnlyList<string> LearningRateSchedules = ["constant", "cosine"];

    /// <summary>The learning rate of step 1..Steps; a function of the step alone, so a resumed run follows the same schedule.</summary>
    public double LearningRateAt(int step) => LearningRateSchedule switch
    {
        "constant" => LearningRate,
        "cosine" => LearningRate * (0.1 + 0.45 * (1 + Math.Cos(Math.PI * (step - 1) / Math.Max(1, Steps - 1)))),
        _ => throw new ArgumentException($"training.learning_rate_schedule: unknown schedule '{LearningRateSchedule}' (expected one of: {string.Join(", ", LearningRateSchedules)})"),
    };
}
