namespace SelfCorrect.Correction;

/// <summary>
/// The general defences by name: none, reminder (self-reminder), icd (in-context defence), backup (history backup),
/// cac (Checking-as-Context) and rank (in-context ranking, beyond the paper).
/// </summary>
public static class CorrectionStrategies
{
    private static readonly StrategyRegistry Registry = new StrategyRegistry("strategy")
        .Add("none", _ => new NoDefense())
        .Add("reminder", settings => new SelfReminder(settings.Presets.SelfReminderSuffix))
        .Add("icd", settings => new InContextDefense(FirstOf(settings.Presets.RefusalDemonstrations, settings.Demonstrations, "refusal demonstrations")))
        .Add("backup", settings => new HistoryBackup(FirstOf(settings.Presets.HistoryBackupDialogues, settings.Demonstrations, "history-backup dialogues")))
        .Add(SelfCorrectingChatClient.StrategyName, settings => new CheckingAsContext(CacOptions(settings)))
        .Add(InContextRankingChatClient.StrategyName, settings => new InContextRanking(RankingOptions(settings)));

    /// <summary>Every name, in registry order.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>The defences the paper's jailbreak study compares (every name but rank): what a run compares by default.</summary>
    public static IReadOnlyList<string> PaperDefenses { get; } = ["none", "reminder", "icd", "backup", SelfCorrectingChatClient.StrategyName];

    /// <inheritdoc cref="StrategyRegistry.Create"/>
    public static ICorrectionStrategy Create(string name, StrategySettings settings, string nameSetting = StrategyRegistry.StrategySetting) =>
        Registry.Create(name, settings, nameSetting);

    /// <summary>The Checking-as-Context options of a protocol's presets, with the settings' overrides.</summary>
    public static SelfCorrectionOptions CacOptions(StrategySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool bbq = settings.Protocol == CorrectionProtocol.Bbq;
        return new SelfCorrectionOptions
        {
            Rounds = settings.Rounds,
            CheckPrompt = settings.CheckPrompt ?? (bbq ? settings.Presets.BbqCheckPrompt : settings.Presets.JailbreakCheckPrompt),
            ReAsk = ReAskOf(settings),
            AssistantPrefill = PrefillOf(settings),
            InitialOptions = settings.StageOptions,
            CritiqueOptions = settings.StageOptions,
            FinalOptions = settings.StageOptions,
            VerdictParser = settings.VerdictParser,
            EarlyExit = settings.EarlyExit,
            StageCompleted = settings.StageCompleted,
        };
    }

    /// <summary>The in-context ranking options of a protocol's presets, with the settings' overrides.</summary>
    public static InContextRankingOptions RankingOptions(StrategySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool bbq = settings.Protocol == CorrectionProtocol.Bbq;
        return new InContextRankingOptions
        {
            Candidates = settings.Candidates,
            ScoringPrompt = settings.ScoringPrompt ?? (bbq ? settings.Presets.BbqScoringPrompt : settings.Presets.JailbreakScoringPrompt),
            Order = settings.RankOrder,
            ReAsk = ReAskOf(settings),
            AssistantPrefill = PrefillOf(settings),
            CandidateOptions = settings.StageOptions,
            ScoreOptions = settings.StageOptions,
            FinalOptions = settings.StageOptions,
            StageCompleted = settings.StageCompleted,
        };
    }

    /// <summary>BBQ re-asks with its template; the jailbreak protocol repeats the question.</summary>
    private static ReAskMode ReAskOf(StrategySettings settings) =>
        settings.Protocol == CorrectionProtocol.Bbq ? ReAskMode.FromTemplate(settings.Presets.BbqReAskTemplate) : ReAskMode.RepeatLastUserMessage;

    /// <summary>BBQ answers start with its prefill; jailbreak answers start free.</summary>
    private static string? PrefillOf(StrategySettings settings) =>
        settings.Protocol == CorrectionProtocol.Bbq ? settings.Presets.BbqAnswerPrefill : null;

    /// <summary>The first <paramref name="count"/> of the presets' <paramref name="items"/>; a count outside 1..items is a bad <see cref="StrategySettings.Demonstrations"/>.</summary>
    private static T[] FirstOf<T>(IReadOnlyList<T> items, int count, string what)
    {
        if (count < 1 || count > items.Count)
            throw new ArgumentOutOfRangeException(nameof(StrategySettings.Demonstrations), $"must be between 1 and {items.Count}, the {what} in the presets (got {count})");
        return [.. items.Take(count)];
    }
}
