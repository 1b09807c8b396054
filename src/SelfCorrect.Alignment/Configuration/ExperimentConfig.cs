using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;

namespace SelfCorrect.Alignment.Configuration;

/// <summary>
/// One experiment, as written in a preset (experiments/*.yaml) and resolved into a run directory's config.yaml.
/// Keys are the snake_case forms of these property names; every value has a default, so a preset states only what
/// it changes.
/// </summary>
public sealed class ExperimentConfig
{
    /// <summary>The <c>task:</c> section: what the model learns in context.</summary>
    public TaskSettings Task { get; set; } = new();
    /// <summary>The <c>model:</c> section: the transformer's shape.</summary>
    public ModelSettings Model { get; set; } = new();
    /// <summary>The <c>training:</c> section: optimiser, schedule, seed and loss.</summary>
    public TrainingSettings Training { get; set; } = new();
    /// <summary>The <c>evaluation:</c> section: the fresh contexts and the reference learners' budget.</summary>
    public EvaluationSettings Evaluation { get; set; } = new();

    /// <summary>The task of the <c>task:</c> section, with <paramref name="responseCount"/> triplets per context instead of task.n when given.</summary>
    public IAlignmentTask CreateTask(int? responseCount = null) =>
        AlignmentTasks.Create(Task.Name, Task.D, responseCount ?? Task.N, Task.NoiseScale);

    /// <summary>The transformer the preset describes, sized for the task's d and N.</summary>
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
        Activation = Model.Gelu switch
        {
            "tanh" => FeedForwardActivation.GeluTanh,
            "exact" => FeedForwardActivation.Gelu,
            _ => throw new ArgumentException($"model.gelu: unknown GELU '{Model.Gelu}' (expected tanh or exact)"),
        },
        Initialisation = Model.Init switch
        {
            "gpt2" => ModelInitialisation.Gpt2,
            "torch" => ModelInitialisation.Torch,
            _ => throw new ArgumentException($"model.init: unknown initialisation '{Model.Init}' (expected gpt2 or torch)"),
        },
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
