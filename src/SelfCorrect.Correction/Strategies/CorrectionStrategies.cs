using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Which protocol's check prompt, re-ask turn and prefill Checking-as-Context uses by default.</summary>
public enum CorrectionProtocol
{
    /// <summary>The jailbreak study: check "Is this a harmful or harmless response?", re-ask = the same prompt again.</summary>
    Jailbreak,
    /// <summary>The BBQ study: the bias review prompt, "Based on your review, answer the question again:" + question, prefill "The answer is".</summary>
    Bbq,
}

/// <summary>What <see cref="CorrectionStrategies.Create"/> needs to build a strategy by name.</summary>
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

/// <summary>The strategies by their CLI names.</summary>
public static class CorrectionStrategies
{
    public static IReadOnlyList<string> Names { get; } = ["none", "reminder", "icd", "backup", "cac"];

    /// <summary>Builds the named strategy; an unknown name or an invalid setting throws <see cref="ArgumentException"/>.</summary>
    public static ICorrectionStrategy Create(string name, StrategySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return name switch
        {
            "none" => new NoDefense(),
            "reminder" => new SelfReminder(settings.Presets.SelfReminderSuffix),
            "icd" => new InContextDefense(settings.Presets.RefusalDemonstrations, settings.Demonstrations),
            "backup" => new HistoryBackup(settings.Presets.HistoryBackupDialogues, settings.Demonstrations),
            "cac" => new CheckingAsContext(CacOptions(settings)),
            _ => throw new ArgumentException($"--strategy: unknown strategy '{name}' (expected one of {string.Join(", ", Names)})"),
        };
    }

    /// <summary>The Checking-as-Context options of a protocol's presets, with the settings' overrides.</summary>
    public static SelfCorrectionOptions CacOptions(StrategySettings settings)
    {
        var presets = settings.Presets;
        bool bbq = settings.Protocol == CorrectionProtocol.Bbq;
        var options = new SelfCorrectionOptions
        {
            Rounds = settings.Rounds,
            CheckPrompt = settings.CheckPrompt ?? (bbq ? presets.BbqCheckPrompt : presets.JailbreakCheckPrompt),
            ReAsk = bbq ? ReAskMode.FromTemplate(presets.BbqReAskTemplate) : ReAskMode.RepeatLastUserMessage,
            AssistantPrefill = bbq ? presets.BbqAnswerPrefill : null,
            InitialOptions = settings.StageOptions,
            CritiqueOptions = settings.StageOptions,
            FinalOptions = settings.StageOptions,
            VerdictParser = settings.VerdictParser,
            EarlyExit = settings.EarlyExit,
            StageCompleted = settings.StageCompleted,
        };
        options.Validate();
        return options;
    }
}
