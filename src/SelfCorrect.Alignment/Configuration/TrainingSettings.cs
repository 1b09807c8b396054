namespace SelfCorrect.Alignment.Configuration;

/// <summary>The <c>training:</c> section of a preset: optimiser, schedule, seed and the training loss.</summary>
public sealed class TrainingSettings
{
    /// <summary>Optimiser steps (≥ 1).</summary>
    public int Steps { get; set; } = 3000;
    /// <summary>Fresh contexts drawn per step (≥ 1).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Contexts per forward/backward pass, gradients accumulated up to batch_size (0: the whole batch at once).
    /// The same batch and the same gradient up to rounding; smaller passes need less memory and run faster on CPU.</summary>
    public int MicroBatchSize { get; set; }
    /// <summary>Adam's learning rate (&gt; 0); the schedule's value at step 1.</summary>
    public double LearningRate { get; set; } = 1e-4;

    /// <summary>constant (reference) | cosine: decays from learning_rate to a tenth of it at the last step, which
    /// steadies the end of short, high-learning-rate runs.</summary>
    public string LearningRateSchedule { get; set; } = "constant";
    /// <summary>Seed of the initialisation and of every training draw (contexts, reward noise).</summary>
    public long Seed { get; set; }

    /// <summary>Policy reward of the online PL loss: cosine (reference) | squared-distance (theory).</summary>
    public string Reward { get; set; } = "cosine";
    /// <summary>Temperature of the Plackett-Luce softmax in the training loss (&gt; 0; the reference uses 1).</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Smallest prefix length in the online PL loss (the reference skips n &lt; 2).</summary>
    public int MinPrefix { get; set; } = 2;

    /// <summary>Probability that a training reward is replaced by a fresh U(0,1) draw.</summary>
    public double RewardNoise { get; set; }
    /// <summary>Steps between two checkpoints, from which an interrupted run resumes.</summary>
    public int CheckpointEvery { get; set; } = 250;
    /// <summary>Steps between two lines of train_log.csv.</summary>
    public int LogEvery { get; set; } = 10;
    /// <summary>Grows the triplets per context during training; null: every context has task.n triplets from the start.</summary>
    public CurriculumSettings? Curriculum { get; set; }

    /// <summary>The accepted <see cref="LearningRateSchedule"/> values.</summary>
    public static readonly IReadOnlyList<string> LearningRateSchedules = ["constant", "cosine"];

    /// <summary>The learning rate of step 1..Steps; a function of the step alone, so a resumed run follows the same schedule.</summary>
    public double LearningRateAt(int step) => LearningRateSchedule switch
    {
        "constant" => LearningRate,
        "cosine" => LearningRate * (0.1 + 0.45 * (1 + Math.Cos(Math.PI * (step - 1) / Math.Max(1, Steps - 1)))),
        _ => throw new ArgumentException($"training.learning_rate_schedule: unknown schedule '{LearningRateSchedule}' (expected one of: {string.Join(", ", LearningRateSchedules)})"),
    };
}
