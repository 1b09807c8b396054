using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>What a <see cref="StrategyRegistry"/> needs to build a strategy by name; each strategy reads the settings that apply to it.</summary>
public sealed record StrategySettings
{
    public PromptPresets Presets { get; init; } = PromptPresets.Default;

    /// <summary>Checking-as-Context rounds (≥ 0).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Demonstrations (icd) or dialogues (backup) to prepend (≥ 1).</summary>
    public int Demonstrations { get; init; } = 1;

    public CorrectionProtocol Protocol { get; init; } = CorrectionProtocol.Jailbreak;

    /// <summary>Replaces the protocol's check prompt when set.</summary>
    public string? CheckPrompt { get; init; }

    /// <summary>Generation options of every CaC stage (null: the caller's).</summary>
    public ChatOptions? StageOptions { get; init; }

    public IVerdictParser? VerdictParser { get; init; }

    public bool EarlyExit { get; init; }

    /// <summary>Called as each CaC stage completes.</summary>
    public Action<SelfCorrectionStage>? StageCompleted { get; init; }
}
