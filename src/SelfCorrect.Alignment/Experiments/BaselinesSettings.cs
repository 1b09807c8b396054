using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>Settings of <c>selfcorrect ica baselines</c>; <see cref="Validate"/> runs before anything runs or is written.</summary>
public sealed record BaselinesSettings : IExperimentSettings
{
    public string Task { get; init; } = "reference";
    public int Dimension { get; init; } = 5;
    public int ResponseCount { get; init; } = 20;
    public double RewardNoise { get; init; }
    public int Contexts { get; init; } = 1024;
    public long Seed { get; init; }
    public int GdSteps { get; init; } = 20;
    public int HeldOutContexts { get; init; } = 512;
    public int BootstrapResamples { get; init; } = 1000;

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
