using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>
/// One experiment, as written in a preset (experiments/*.yaml) and resolved into a run directory's config.yaml.
/// Keys are the snake_case forms of these property names; every value has a default, so a preset states only what
/// it changes.
/// </summary>
public sealed class ExperimentConfig
{
    public TaskSettings Task { get; set; } = new();
    public ModelSettings Model { get; set; } = new();
    public TrainingSettings Training { get; set; } = new();
    public EvaluationSettings Evaluation { get; set; } = new();

    public IAlignmentTask CreateTask(int? responseCount = null) =>
        AlignmentTasks.Create(Task.Name, Task.D, responseCount ?? Task.N, Task.NoiseScale);

    public TransformerConfig TransformerConfig() => new()
    {
        Dimension = Task.D,
        ResponseCount = Task.N,
        Layers = Model.Layers,
        Heads = Model.Heads,
        Width = Model.Width,
        Attention = Model.Attention switch
        {
            "softmax" => AttentionKind.Softmax,
            "linear" => AttentionKind.Linear,
            _ => throw new ArgumentException($"model.attention: unknown kind '{Model.Attention}' (expected softmax or linear)"),
        },
        FeedForward = Model.Ffn,
        LayerNorm = Model.LayerNorm,
    };

    /// <summary>Checks every value; the message names the key.</summary>
    public void Validate()
    {
        if (!AlignmentTasks.Names.Contains(Task.Name)) throw new ArgumentException($"task.name: unknown task '{Task.Name}' (expected one of: {string.Join(", ", AlignmentTasks.Names)})");
        if (!(Task.NoiseScale > 0)) throw new ArgumentException($"task.noise_scale: must be positive (got {Task.NoiseScale})");
        TransformerConfig().Validate();
        Positive(Training.Steps, "training.steps");
        Positive(Training.BatchSize, "training.batch_size");
        if (Training.MicroBatchSize < 0) throw new ArgumentException($"training.micro_batch_size: must be 0 (the whole batch) or positive (got {Training.MicroBatchSize})");
        if (!(Training.LearningRate > 0)) throw new ArgumentException($"training.learning_rate: must be positive (got {Training.LearningRate})");
        Training.LearningRateAt(1);
        RewardModel.Parse(Training.Reward);
        if (!(Training.Temperature > 0)) throw new ArgumentException($"training.temperature: must be positive (got {Training.Temperature})");
        if (Training.MinPrefix < 1 || Training.MinPrefix > Task.N - 1) throw new ArgumentException($"training.min_prefix: must lie in [1, {Task.N - 1}] (got {Training.MinPrefix})");
        Probability(Training.RewardNoise, "training.reward_noise");
        Positive(Training.CheckpointEvery, "training.checkpoint_every");
        Positive(Training.LogEvery, "training.log_every");
        if (Training.Curriculum is { } c)
        {
            if (c.StartN < Training.MinPrefix + 1 || c.StartN > Task.N) throw new ArgumentException($"training.curriculum.start_n: must lie in [{Training.MinPrefix + 1}, {Task.N}] (got {c.StartN})");
            Positive(c.Every, "training.curriculum.every");
            Positive(c.Increment, "training.curriculum.increment");
        }
        Positive(Evaluation.Contexts, "evaluation.contexts");
        Positive(Evaluation.HeldOutContexts, "evaluation.held_out_contexts");
        Positive(Evaluation.GdSteps, "evaluation.gd_steps");
        Positive(Evaluation.Bootstrap, "evaluation.bootstrap");
        if (Evaluation.NoiseLevels.Count == 0) throw new ArgumentException("evaluation.noise_levels: must list at least one level");
        foreach (double p in Evaluation.NoiseLevels) Probability(p, "evaluation.noise_levels");
    }

    private static void Positive(int value, string key)
    {
        if (value < 1) throw new ArgumentException($"{key}: must be positive (got {value})");
    }

    private static void Probability(double value, string key)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentException($"{key}: must lie in [0, 1] (got {value})");
    }
}

public sealed class TaskSettings
{
    /// <summary>reference | noisy.</summary>
    public string Name { get; set; } = "reference";
    public int D { get; set; } = 5;
    public int N { get; set; } = 20;

    /// <summary>σ of the noisy task.</summary>
    public double NoiseScale { get; set; } = 1.0;
}

public sealed class ModelSettings
{
    public int Layers { get; set; } = 20;
    public int Heads { get; set; } = 3;
    public int Width { get; set; } = 96;

    /// <summary>softmax | linear.</summary>
    public string Attention { get; set; } = "softmax";
    public bool Ffn { get; set; } = true;
    public bool LayerNorm { get; set; } = true;
}

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

/// <summary>Grows the number of triplets per training context from start_n by increment every `every` steps, up to task.n.</summary>
public sealed class CurriculumSettings
{
    public int StartN { get; set; } = 5;
    public int Every { get; set; } = 100;
    public int Increment { get; set; } = 1;

    public int ResponsesAt(int step, int maximum) => Math.Min(maximum, StartN + (step - 1) / Every * Increment);
}

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
