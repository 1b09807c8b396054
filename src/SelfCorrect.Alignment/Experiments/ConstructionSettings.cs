using SelfCorrect.Alignment.Construction;
using SelfCorrect.Alignment.Objectives;
using SelfCorrect.Alignment.Tasks;
using SelfCorrect.Common;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>Settings of <c>selfcorrect ica construct</c>; validated before anything runs or is written.</summary>
public sealed record ConstructionSettings : IExperimentSettings
{
    /// <summary>The loss the construction descends: Plackett-Luce over N responses, or Bradley-Terry (N = 2).</summary>
    public RankingObjective Objective { get; init; } = RankingObjective.PlackettLuce;
    /// <summary>Responses per context N (≥ 2; exactly 2 for Bradley-Terry).</summary>
    public int ResponseCount { get; init; } = 10;
    /// <summary>Dimension d of the queries and responses (≥ 1).</summary>
    public int Dimension { get; init; } = 5;
    /// <summary>Gradient-descent steps the forward pass performs (≥ 1), each taking N − 1 blocks.</summary>
    public int Steps { get; init; } = 1;
    /// <summary>Softmax scale β of the selection head (&gt; 0): large β·gap makes the softmax pick the intended response.</summary>
    public double Beta { get; init; } = 600;
    /// <summary>Least distance between two rewards of a context (&gt; 0, with (N − 1)·gap &lt; 1); separated contexts are drawn so.</summary>
    public double Gap { get; init; } = 0.05;
    /// <summary>GD step size η on W (&gt; 0); the step on the prediction ŷ is η·‖x‖²·gradient.</summary>
    public double Eta { get; init; } = 0.1;
    /// <summary>Fresh contexts on which the construction is compared with explicit GD (≥ 1).</summary>
    public int Contexts { get; init; } = 256;
    /// <summary>Precision of the construction's forward pass: float64 (the reference) or float32.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float64;
    /// <summary>The component taken away, to show what the construction needs; none by default.</summary>
    public ConstructionAblation Ablation { get; init; } = ConstructionAblation.None;

    /// <summary>Causal attention: every triplet token performs GD on its own prefix (online PL); PL only.</summary>
    public bool Causal { get; init; }

    /// <summary>Seed of the contexts.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Where the contexts come from: <c>separated</c> (rewards at least <see cref="Gap"/> apart, the bound's domain) or
    /// <c>reference</c> (the paper's task, uniform rewards with no enforced gap, where the bound does not hold).
    /// </summary>
    public string Task { get; init; } = SeparatedTask;

    /// <summary>Contexts whose rewards lie at least <see cref="Gap"/> apart.</summary>
    public const string SeparatedTask = "separated";
    /// <summary>The paper's contexts: uniform rewards, no enforced gap.</summary>
    public const string ReferenceTask = "reference";
    /// <summary>The accepted <see cref="Task"/> values.</summary>
    public static readonly IReadOnlyList<string> Tasks = [SeparatedTask, ReferenceTask];

    /// <summary>The β·gap values of the sweep; the requested β·gap is added.</summary>
    public IReadOnlyList<double> BetaGaps { get; init; } = DefaultBetaGaps;

    /// <summary>The β·gap values swept by default, from 1 to 50.</summary>
    public static readonly IReadOnlyList<double> DefaultBetaGaps = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];

    /// <summary>Checks every value and their combinations; a bad one is an <see cref="InvalidSettingException"/> naming the property.</summary>
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

    /// <summary>The task the contexts are drawn from: <see cref="SeparatedRewardAlignment"/> or <see cref="ReferenceLinearAlignment"/>.</summary>
    public IAlignmentTask CreateTask() => Task == ReferenceTask
        ? new ReferenceLinearAlignment(Dimension, ResponseCount)
        : new SeparatedRewardAlignment(Dimension, ResponseCount, Gap);

    /// <summary>The sweep with the requested β·gap in it, ascending.</summary>
    public IReadOnlyList<double> SweepBetaGaps() => BetaGaps.Append(Beta * Gap).Distinct().Order().ToList();
}
