using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>What a <see cref="StrategyRegistry"/> needs to build a strategy by name; each strategy reads the settings that apply to it.</summary>
public sealed record StrategySettings
{
    /// <summary>The prompts (the defaults, or a file's).</summary>
    public PromptPresets Presets { get; init; } = PromptPresets.Default;

    /// <summary>Checking-as-Context rounds (≥ 0).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Demonstrations (icd) or dialogues (backup) to prepend (≥ 1).</summary>
    public int Demonstrations { get; init; } = 1;

    /// <summary>In-context ranking: answers sampled and scored (≥ 1).</summary>
    public int Candidates { get; init; } = 3;

    /// <summary>Which protocol's prompts, re-ask turn and prefill apply.</summary>
    public CorrectionProtocol Protocol { get; init; } = CorrectionProtocol.Jailbreak;

    /// <summary>Replaces the protocol's check prompt when set.</summary>
    public string? CheckPrompt { get; init; }

    /// <summary>In-context ranking: replaces the protocol's scoring prompt when set.</summary>
    public string? ScoringPrompt { get; init; }

    /// <summary>In-context ranking: the order of the scored candidates in the final context.</summary>
    public RankOrder RankOrder { get; init; } = RankOrder.WorstFirst;

    /// <summary>Generation options of every stage (null: the caller's).</summary>
    public ChatOptions? StageOptions { get; init; }

    /// <summary>Checking-as-Context: reads each critique's verdict.</summary>
    public IVerdictParser? VerdictParser { get; init; }

    /// <summary>Checking-as-Context: skip the re-ask when a critique finds no problem (needs <see cref="VerdictParser"/>).</summary>
    public bool EarlyExit { get; init; }

    /// <summary>Called as each stage of Checking-as-Context or in-context ranking completes.</summary>
    public Action<SelfCorrectionStage>? StageCompleted { get; init; }
}
