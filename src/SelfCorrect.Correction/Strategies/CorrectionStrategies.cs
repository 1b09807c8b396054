using SelfCorrect.Common;

namespace SelfCorrect.Correction;

/// <summary>The general defences by name: none, reminder (self-reminder), icd (in-context defence), backup (history backup), cac.</summary>
public static class CorrectionStrategies
{
    private static readonly StrategyRegistry Registry = new StrategyRegistry("strategy")
        .Add("none", _ => new NoDefense())
        .Add("reminder", settings => new SelfReminder(settings.Presets.SelfReminderSuffix))
        .Add("icd", settings => new InContextDefense(FirstOf(settings.Presets.RefusalDemonstrations, settings.Demonstrations, "refusal demonstrations")))
        .Add("backup", settings => new HistoryBackup(FirstOf(settings.Presets.HistoryBackupDialogues, settings.Demonstrations, "history-backup dialogues")))
        .Add("cac", settings => new CheckingAsContext(CacOptions(settings)));

    public static IReadOnlyList<string> Names => Registry.Names;

    /// <inheritdoc cref="StrategyRegistry.Create"/>
    public static ICorrectionStrategy Create(string name, StrategySettings settings, string nameSetting = StrategyRegistry.StrategySetting) =>
        Registry.Create(name, settings, nameSetting);

    /// <summary>The Checking-as-Context options of a protocol's presets, with the settings' overrides.</summary>
    public static SelfCorrectionOptions CacOptions(StrategySettings settings)
    {
        var presets = settings.Presets;
        bool bbq = settings.Protocol == CorrectionProtocol.Bbq;
        return new SelfCorrectionOptions
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
    }

    /// <summary>The first <paramref name="count"/> of the presets' <paramref name="items"/>; a count outside 1..items is a bad <see cref="StrategySettings.Demonstrations"/>.</summary>
    private static T[] FirstOf<T>(IReadOnlyList<T> items, int count, string what)
    {
        if (count < 1 || count > items.Count)
            throw new InvalidSettingException(nameof(StrategySettings.Demonstrations), $"must be between 1 and {items.Count}, the {what} in the presets (got {count})");
        return [.. items.Take(count)];
    }
}
