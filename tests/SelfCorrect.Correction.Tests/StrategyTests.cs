using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

public sealed class StrategyTests
{
    private static List<ChatMessage> Conversation(bool withSystem) =>
        withSystem ? [new(ChatRole.System, "You are an assistant."), new(ChatRole.User, "Do X.")] : [new(ChatRole.User, "Do X.")];

    private static async Task<ScriptedChatClient.Call> SendThrough(string strategy, List<ChatMessage> messages, StrategySettings? settings = null)
    {
        var inner = new ScriptedChatClient((index, _) => "ok");
        var client = inner.AsBuilder().UseStrategy(CorrectionStrategies.Create(strategy, settings ?? new StrategySettings())).Build();
        await client.GetResponseAsync(messages);
        return inner.Calls[0];
    }

    [Fact]
    public async Task ScriptedClient_None_SendsTheMessagesUnchanged()
    {
        var call = await SendThrough("none", Conversation(withSystem: true));
        Assert.Equal(["You are an assistant.", "Do X."], call.Messages.Select(message => message.Text));
    }

    [Fact]
    public async Task ScriptedClient_Reminder_AppendsToTheSystemPromptOrAddsOne()
    {
        var suffix = PromptPresets.Default.SelfReminderSuffix;
        var messages = Conversation(withSystem: true);
        var call = await SendThrough("reminder", messages);
        Assert.Equal("You are an assistant." + suffix, call.Messages[0].Text);
        Assert.Equal("You are an assistant.", messages[0].Text);

        var bare = await SendThrough("reminder", Conversation(withSystem: false));
        Assert.Equal([ChatRole.System, ChatRole.User], bare.Messages.Select(message => message.Role));
        Assert.Equal(suffix.TrimStart(), bare.Messages[0].Text);
    }

    [Fact]
    public async Task ScriptedClient_InContextDefense_PrependsKRefusalsAfterTheSystemPrompt()
    {
        var messages = Conversation(withSystem: true);
        var call = await SendThrough("icd", messages, new StrategySettings { Demonstrations = 2 });

        var demos = PromptPresets.Default.RefusalDemonstrations;
        Assert.Equal(
            [(ChatRole.System, "You are an assistant."), (ChatRole.User, demos[0].Request), (ChatRole.Assistant, demos[0].Refusal),
             (ChatRole.User, demos[1].Request), (ChatRole.Assistant, demos[1].Refusal), (ChatRole.User, "Do X.")],
            call.Messages.Select(message => (message.Role, message.Text)));
        Assert.Equal(2, messages.Count);
    }

    [Fact]
    public async Task ScriptedClient_HistoryBackup_PrependsCheckedDialogues()
    {
        var call = await SendThrough("backup", Conversation(withSystem: false), new StrategySettings { Demonstrations = 1 });

        var dialogue = PromptPresets.Default.HistoryBackupDialogues[0];
        Assert.Equal([dialogue.Request, dialogue.Response, dialogue.Check, dialogue.Critique, "Do X."], call.Messages.Select(message => message.Text));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User], call.Messages.Select(message => message.Role));
    }

    [Fact]
    public async Task ScriptedClient_CacOverIcd_ComposesSoEveryStageSeesTheDemonstrations()
    {
        var inner = new ScriptedChatClient((index, _) => $"reply {index}");
        var settings = new StrategySettings { Rounds = 1 };
        var client = inner.AsBuilder()
            .UseStrategy(CorrectionStrategies.Create("cac", settings))
            .UseStrategy(CorrectionStrategies.Create("icd", settings))
            .Build();

        await client.GetResponseAsync(Conversation(withSystem: false));

        Assert.Equal(3, inner.Calls.Count);
        Assert.All(inner.Calls, call => Assert.Equal(PromptPresets.Default.RefusalDemonstrations[0].Request, call.Messages[0].Text));
        Assert.Equal(PromptPresets.Default.JailbreakCheckPrompt, inner.Calls[1].Messages[^1].Text);
        Assert.Equal("Do X.", inner.Calls[2].Messages[^1].Text);
    }

    [Theory]
    [InlineData("cacc")]
    [InlineData("")]
    public void UnknownStrategy_IsRejectedNamingTheValue(string name)
    {
        SettingErrors.AssertThrows(() => CorrectionStrategies.Create(name, new StrategySettings()), StrategyRegistry.StrategySetting,
            $"unknown strategy '{name}' (expected one of none, reminder, icd, backup, cac, rank)");
    }

    [Fact]
    public void TooManyDemonstrations_AreRejected()
    {
        SettingErrors.AssertThrows(() => CorrectionStrategies.Create("icd", new StrategySettings { Demonstrations = 4 }),
            nameof(StrategySettings.Demonstrations), "must be between 1 and 3, the refusal demonstrations in the presets (got 4)");
        SettingErrors.AssertThrows(() => CorrectionStrategies.Create("backup", new StrategySettings { Demonstrations = 0 }),
            nameof(StrategySettings.Demonstrations), "must be between 1 and 3, the history-backup dialogues in the presets (got 0)");
    }
}
