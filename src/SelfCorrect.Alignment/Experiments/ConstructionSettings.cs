using SelfCorrect.Alignment.Construction;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>Settings of <c>selfcorrect ica construct</c>; validated before anything runs or is written.</summary>
public sealed record ConstructionSettings : IExperimentSettings
{
    public RankingObjective Objective { get; init; } = RankingObjective.PlackettLuce;
    public int ResponseCount { get; init; } = 10;
    public int Dimension { get; init; } = 5;
    public int Steps { get; init; } = 1;
    public double Beta { get; init; } = 600;
    public double Gap { get; init; } = 0.05;
    public double Eta { get; init; } = 0.1;
    public int Contexts { get; init; } = 256;
    public ScalarType DType { get; init; } = ScalarType.Float64;
    public ConstructionAblation Ablation { get; init; } = ConstructionAblation.None;

    /// <summary>Causal attention: every triplet token performs GD on its own prefix (online PL); PL only.</summary>
    public bool Causal { get; init; }

    public long Seed { get; init; }

    /// <summary>
    /// Where the contexts come from: <c>separated</c> (rewards at least <see cref="Gap"/> apart, the bound's domain) or
    /// <c>reference</c> (the paper's task, uniform rewards with no enforced gap, where the bound does not hold).
    /// </summary>
    public string Task { get; init; } = SeparatedTask;

    public const string SeparatedTask = "separated";
    public const string ReferenceTask = "reference";
    public static readonly IReadOnlyList<string> Tasks = [SeparatedTask, ReferenceTask];

    /// <summary>The β·gap values of the sweep; the requested β·gap is added.</summary>
    public IReadOnlyList<double> BetaGaps { get; init; } = DefaultBetaGaps;

    public static readonly IReadOnlyList<double> DefaultBetaGaps = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];

    public void Validate()
    {
        if (!Tasks.Contains(Task)) throw new InvalidSettingException(nameof(Task), $"unknown task '{Task}' (expected {string.Join(" or ", Tasks)})");
        if (!(Beta > 0) || double.IsInfinity(Beta)) throw new InvalidSettingException(nameof(Beta), $"must be positive and finite (got {Beta})");
        if (!(Gap > 0) || double.IsInfinity(Gap)) throw new InvalidSettingException(nameof(Gap), $"must be positive and finite (got {Gap})");
        if (ResponseCount < 2) throw new InvalidSettingException(nameof(ResponseCount), $"must be at least 2 (got {ResponseCount})");
        if (Objective == RankingObjective.BradleyTerry && ResponseCount != 2)
            throw new InvalidSettingException(nameof(ResponseCount), $"Bradley-Terry compares two responses; use {{{nameof(ResponseCount)}}} 2 or {{{nameof(Objective)}}} pl (got {ResponseCount})");
        if (!((ResponseCount - 1) * Gap < 1)) throw new InvalidSettingException(nameof(Gap), $"{ResponseCount} rewards at least {Gap} apart do not fit in [0, 1]");
        if (Dimension < 1) throw new InvalidSettingException(nameof(Dimension), $"must be at least 1 (got {Dimension})");
        if (Steps < 1) throw new InvalidSettingException(nameof(Steps), $"must be at least 1 (got {Steps})");
        if (!(Eta > 0) || double.IsInfinity(Eta)) throw new InvalidSettingException(nameof(Eta), $"must be positive and finite (got {Eta})");
        if (Contexts < 1) throw new InvalidSettingException(nameof(Contexts), $"must be at least 1 (got {Contexts})");
        if (DType is not (ScalarType.Float64 or ScalarType.Float32)) throw new InvalidSettingException(nameof(DType), $"float64 or float32 (got {DType})");
        if (Causal && Objective != RankingObjective.PlackettLuce) throw new InvalidSettingException(nameof(Causal), "the online construction is for the PL objective");
        if (Causal && Ablation != ConstructionAblation.None) throw new InvalidSettingException(nameof(Causal), "ablations apply to the full-attention construction");
    }

    public IAlignmentTask CreateTask() => Task == ReferenceTask
        ? new ReferenceLinearAlignment(Dimension, ResponseCount)
        : new SeparatedRewardAlignment(Dimension, ResponseCount, Gap);

    /// <summary>The sweep with the requested β·gap in it, ascending.</summary>
    public IReadOnlyList<double> SweepBetaGaps() => BetaGaps.Append(Beta * Gap).Distinct().Order().ToList();
}
