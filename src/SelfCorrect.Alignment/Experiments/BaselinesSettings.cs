using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>Settings of <c>selfcorrect ica baselines</c>; <see cref="Validate"/> runs before anything runs or is written.</summary>
public sealed record BaselinesSettings : IExperimentSettings
{
    /// <summary>The task by name (<see cref="AlignmentTasks.Names"/>): <c>reference</c> (degenerate, as the paper's code) or <c>noisy</c>.</summary>
    public string Task { get; init; } = "reference";
    /// <summary>Dimension d (≥ 1).</summary>
    public int Dimension { get; init; } = 5;
    /// <summary>Responses per context N (≥ 2).</summary>
    public int ResponseCount { get; init; } = 20;
    /// <summary>Probability p in [0, 1] that a shown reward is replaced by a fresh U(0, 1) draw.</summary>
    public double RewardNoise { get; init; }
    /// <summary>Fresh evaluation contexts (≥ 1).</summary>
    public int Contexts { get; init; } = 1024;
    /// <summary>Seed of every random draw.</summary>
    public long Seed { get; init; }
    /// <summary>Gradient steps of the explicit GD learner (≥ 1); its η is grid-searched on held-out contexts.</summary>
    public int GdSteps { get; init; } = 20;
    /// <summary>Contexts, drawn apart from the evaluation ones, on which the GD step size is chosen.</summary>
    public int HeldOutContexts { get; init; } = 512;
    /// <summary>Resamples of the contexts behind each error's confidence interval.</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>Checks every value; a bad one is an <see cref="InvalidSettingException"/> naming the property.</summary>
    public void Validate()
    {
        if (!AlignmentTasks.Names.Contains(Task))
            throw new InvalidSettingException(nameof(Task), $"unknown task '{Task}' (expected one of: {string.Join(", ", AlignmentTasks.Names)})");
        if (Dimension < 1) throw new InvalidSettingException(nameof(Dimension), $"must be at least 1 (got {Dimension})");
        if (ResponseCount < 2) throw new InvalidSettingException(nameof(ResponseCount), $"must be at least 2 (got {ResponseCount})");
        if (!(RewardNoise >= 0 && RewardNoise <= 1)) throw new InvalidSettingException(nameof(RewardNoise), $"must lie in [0, 1] (got {RewardNoise})");
        if (Contexts < 1) throw new InvalidSettingException(nameof(Contexts), $"must be at least 1 (got {Contexts})");
        if (GdSteps < 1) throw new InvalidSettingException(nameof(GdSteps), $"must be at least 1 (got {GdSteps})");
    }
}
