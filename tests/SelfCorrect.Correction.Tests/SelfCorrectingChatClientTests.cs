using System.Net;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

public sealed class SelfCorrectingChatClientTests
{
    private static ScriptedChatClient Answers(bool continuesAssistant = false) =>
        new((index, _) => $"reply {index}", continuesAssistant);

    private static List<ChatMessage> Question() =>
    [
        new(ChatRole.System, "Be helpful."),
        new(ChatRole.User, "What is 2+2?"),
    ];

    private static (ChatRole Role, string Text)[] Shape(IReadOnlyList<ChatMessage> messages) =>
        [.. messages.Select(message => (message.Role, message.Text))];

    [Fact]
    public async Task ScriptedClient_TwoRounds_SendsInitialThenCheckAndReAskPerRoundInOrder()
    {
        var inner = Answers();
        var client = new ChatClientBuilder(inner).UseSelfCorrection(configure: c => c.Options = new SelfCorrectionOptions { Rounds = 2, CheckPrompt = "Check it." }).Build();

        var response = await client.GetResponseAsync(Question());

        Assert.Equal(5, inner.Calls.Count);
        var system = (ChatRole.System, "Be helpful.");
        var user = (ChatRole.User, "What is 2+2?");
        Assert.Equal([system, user], Shape(inner.Calls[0].Messages));
        Assert.Equal([system, user, (ChatRole.Assistant, "reply 0"), (ChatRole.User, "Check it.")], Shape(inner.Calls[1].Messages));
        Assert.Equal([system, user, (ChatRole.Assistant, "reply 0"), (ChatRole.User, "Check it."), (ChatRole.Assistant, "reply 1"), user],
            Shape(inner.Calls[2].Messages));
        Assert.Equal(
            [system, user, (ChatRole.Assistant, "reply 0"), (ChatRole.User, "Check it."), (ChatRole.Assistant, "reply 1"), user,
             (ChatRole.Assistant, "reply 2"), (ChatRole.User, "Check it."), (ChatRole.Assistant, "reply 3"), user],
            Shape(inner.Calls[4].Messages));
        Assert.Equal("reply 4", response.Text);

        var trace = response.GetSelfCorrectionTrace();
        Assert.NotNull(trace);
        Assert.Equal([StageKind.Initial, StageKind.Critique, StageKind.Final, StageKind.Critique, StageKind.Final], trace.Stages.Select(stage => stage.Kind));
        Assert.Equal([0, 1, 1, 2, 2], trace.Stages.Select(stage => stage.Round));
        Assert.Equal(["reply 1", "reply 3"], trace.Critiques.Select(stage => stage.Text));
        Assert.Equal(["reply 2", "reply 4"], trace.Finals.Select(stage => stage.Text));
        Assert.Equal("reply 0", trace.Initial.Text);
        Assert.Same(trace.Stages[4], trace.Answer);
        Assert.Equal(Shape(inner.Calls[3].Messages), Shape(trace.Stages[3].Messages));
    }

    [Fact]
    public async Task ScriptedClient_BbqTemplateAndPrefill_ReAskWrapsQuestionAndAnswersStartWithPrefill()
    {
        var inner = Answers(continuesAssistant: true);
        var options = CorrectionStrategies.CacOptions(new StrategySettings { Protocol = CorrectionProtocol.Bbq });
        var client = new SelfCorrectingChatClient(inner) { Options = options };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Q?")]);

        var presets = PromptPresets.Default;
        Assert.Equal([(ChatRole.User, "Q?"), (ChatRole.Assistant, presets.BbqAnswerPrefill)], Shape(inner.Calls[0].Messages));
        Assert.Equal(presets.BbqCheckPrompt, inner.Calls[1].Messages[^1].Text);
        Assert.Equal((ChatRole.Assistant, "The answer isreply 0"), Shape(inner.Calls[1].Messages)[1]);
        Assert.Equal([(ChatRole.User, presets.BbqReAskTemplate + "Q?"), (ChatRole.Assistant, presets.BbqAnswerPrefill)],
            Shape(inner.Calls[2].Messages)[^2..]);
        Assert.Equal("The answer isreply 2", response.Text);
        Assert.True(response.GetSelfCorrectionTrace()!.PrefillApplied);
    }

    [Fact]
    public async Task ScriptedClient_PrefillWithoutBackendSupport_IsNotSent()
    {
        var inner = Answers(continuesAssistant: false);
        var client = new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { AssistantPrefill = "The answer is" } };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Q?")]);

        Assert.All(inner.Calls, call => Assert.Equal(ChatRole.User, call.Messages[^1].Role));
        Assert.Equal("reply 2", response.Text);
        Assert.False(response.GetSelfCorrectionTrace()!.PrefillApplied);
    }

    [Fact]
    public async Task ScriptedClient_CallerMessagesAndOptionsAreNotMutated_StageOptionsLaidOverCopies()
    {
        var inner = Answers();
        var messages = Question();
        var callerOptions = new ChatOptions { Temperature = 0.5f, MaxOutputTokens = 100, Seed = 7 };
        var client = new SelfCorrectingChatClient(inner)
        {
            Options = new SelfCorrectionOptions
            {
                CritiqueOptions = new ChatOptions { MaxOutputTokens = 32 },
                FinalOptions = new ChatOptions { Temperature = 0f },
            },
        };

        await client.GetResponseAsync(messages, callerOptions);

        Assert.Equal(2, messages.Count);
        Assert.Equal((0.5f, 100, 7L), (callerOptions.Temperature, callerOptions.MaxOutputTokens, callerOptions.Seed));
        Assert.All(inner.Calls, call => Assert.NotSame(callerOptions, call.Options));
        Assert.Equal((0.5f, 100, 7L), (inner.Calls[0].Options!.Temperature, inner.Calls[0].Options!.MaxOutputTokens, inner.Calls[0].Options!.Seed));
        Assert.Equal((0.5f, 32, 7L), (inner.Calls[1].Options!.Temperature, inner.Calls[1].Options!.MaxOutputTokens, inner.Calls[1].Options!.Seed));
        Assert.Equal((0f, 100, 7L), (inner.Calls[2].Options!.Temperature, inner.Calls[2].Options!.MaxOutputTokens, inner.Calls[2].Options!.Seed));
    }

    [Fact]
    public async Task ScriptedClient_Usage_IsSummedOverAllCalls()
    {
        var inner = Answers();
        var client = new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { Rounds = 3 } };

        var response = await client.GetResponseAsync(Question());

        Assert.Equal(7, inner.Calls.Count);
        Assert.Equal(Enumerable.Range(0, 7).Sum(i => 10 * (i + 1)), response.Usage!.InputTokenCount);
        Assert.Equal(Enumerable.Range(0, 7).Sum(i => i + 1), response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount, response.GetSelfCorrectionTrace()!.TotalUsage!.InputTokenCount);
    }

    [Fact]
    public async Task ScriptedClient_EarlyExit_SkipsReAskWhenCritiqueFindsNoProblem()
    {
        var inner = new ScriptedChatClient((index, _) => index == 1 ? "This response is harmless." : $"reply {index}");
        var parser = VerdictParsers.Keywords(["harmful"], ["harmless"]);

        var early = await new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { Rounds = 2, VerdictParser = parser, EarlyExit = true } }
            .GetResponseAsync(Question());

        Assert.Equal(2, inner.Calls.Count);
        Assert.Equal("reply 0", early.Text);
        var trace = early.GetSelfCorrectionTrace()!;
        Assert.True(trace.ExitedEarly);
        Assert.Equal(CritiqueVerdict.NoProblem, trace.Critiques.Single().Verdict);

        var always = new ScriptedChatClient((index, _) => index == 1 ? "This response is harmless." : $"reply {index}");
        var full = await new SelfCorrectingChatClient(always) { Options = new SelfCorrectionOptions { Rounds = 2, VerdictParser = parser } }
            .GetResponseAsync(Question());
        Assert.Equal(5, always.Calls.Count);
        Assert.False(full.GetSelfCorrectionTrace()!.ExitedEarly);
    }

    [Fact]
    public void KeywordVerdictParser_EarliestPhraseDecides()
    {
        var parser = VerdictParsers.Keywords(["harmful"], ["harmless"]);
        Assert.Equal(CritiqueVerdict.Problem, parser.Parse("It is HARMFUL, not harmless."));
        Assert.Equal(CritiqueVerdict.NoProblem, parser.Parse("Harmless; nothing harmful here."));
        Assert.Equal(CritiqueVerdict.Unknown, parser.Parse("I am not sure."));
    }

    [Fact]
    public async Task ScriptedClient_Streaming_StreamsOnlyTheFinalAnswerAndEndsWithTrace()
    {
        var inner = new ScriptedChatClient((index, _) => $"answer number {index}");
        var client = new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { Rounds = 1 } };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question())) updates.Add(update);

        Assert.Equal([false, false, true], inner.Calls.Select(call => call.Streamed));
        Assert.Equal(["answer", " number", " 2"], updates.Where(update => update.Text.Length > 0).Select(update => update.Text));
        var trace = updates[^1].GetSelfCorrectionTrace();
        Assert.NotNull(trace);
        Assert.Equal("answer number 2", trace.Answer.Text);
        var response = updates.ToChatResponse();
        Assert.Equal("answer number 2", response.Text);
        Assert.Equal(10 + 20 + 30, response.Usage!.InputTokenCount);
        Assert.Same(trace, response.GetSelfCorrectionTrace());
    }

    [Fact]
    public async Task ScriptedClient_StreamingWithEarlyExit_DeliversTheKeptAnswerAndTrace()
    {
        var inner = new ScriptedChatClient((index, _) => index == 1 ? "harmless" : $"reply {index}");
        var client = new SelfCorrectingChatClient(inner)
        {
            Options = new SelfCorrectionOptions
            {
                VerdictParser = VerdictParsers.Keywords(["harmful"], ["harmless"]),
                EarlyExit = true,
            },
        };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question())) updates.Add(update);

        Assert.Equal(2, inner.Calls.Count);
        var response = updates.ToChatResponse();
        Assert.Equal("reply 0", response.Text);
        Assert.True(response.GetSelfCorrectionTrace()!.ExitedEarly);
        Assert.Equal(10 + 20, response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task ScriptedClient_StreamingCancelled_StopsTheCurrentCall()
    {
        var inner = new ScriptedChatClient((index, _) => "one two three four five");
        var client = new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { Rounds = 1 } };
        using var cancel = new CancellationTokenSource();

        var received = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question(), cancellationToken: cancel.Token))
            {
                received.Add(update.Text);
                cancel.Cancel();
            }
        });
        Assert.Equal(["one"], received);
    }

    [Fact]
    public async Task ScriptedClient_InnerFailure_PropagatesAsItsOwnType_WithTheStageInData()
    {
        var thrown = new HttpRequestException("service unavailable", null, HttpStatusCode.ServiceUnavailable);
        var inner = new ScriptedChatClient((index, _) => "x") { Failure = (3, thrown) };
        var client = new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { Rounds = 2 } };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Question()));

        Assert.Same(thrown, error);
        Assert.Equal("service unavailable", error.Message);
        Assert.Equal(("cac", "critique", 2), (error.Data[CorrectionDiagnostics.StrategyDataKey], error.Data[CorrectionDiagnostics.StageDataKey],
            error.Data[CorrectionDiagnostics.RoundDataKey]));
        Assert.Equal("the critique of round 2", CorrectionDiagnostics.DescribeFailedStage(error));
    }

    [Fact]
    public async Task ScriptedClient_StreamedLastAnswerFailure_PropagatesWithTheStageInData()
    {
        var inner = new ScriptedChatClient((index, _) => "x") { Failure = (2, new TimeoutException("slow")) };
        var client = new SelfCorrectingChatClient(inner);

        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Question())) { }
        });

        Assert.Equal("the re-asked answer of round 1", CorrectionDiagnostics.DescribeFailedStage(error));
    }

    [Fact]
    public async Task ScriptedClient_CallerCancellation_IsNotAnnotated()
    {
        using var cancel = new CancellationTokenSource();
        var inner = new ScriptedChatClient((index, _) =>
        {
            cancel.Cancel();
            cancel.Token.ThrowIfCancellationRequested();
            return "x";
        });

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SelfCorrectingChatClient(inner).GetResponseAsync(Question(), null, cancel.Token));

        Assert.Null(CorrectionDiagnostics.DescribeFailedStage(error));
    }

    [Fact]
    public async Task ScriptedClient_ZeroRounds_ReturnsTheInitialAnswerWithTrace()
    {
        var inner = Answers();
        var response = await new SelfCorrectingChatClient(inner) { Options = new SelfCorrectionOptions { Rounds = 0 } }.GetResponseAsync(Question());

        Assert.Single(inner.Calls);
        Assert.Equal("reply 0", response.Text);
        Assert.Single(response.GetSelfCorrectionTrace()!.Stages);
    }

    [Fact]
    public async Task ScriptedClient_ResponseFromElsewhere_HasNoTrace()
    {
        var response = await Answers().GetResponseAsync(Question());
        Assert.Null(response.GetSelfCorrectionTrace());
    }

    [Fact]
    public void NegativeRounds_AreRejected()
    {
        SettingErrors.AssertThrows(() => new SelfCorrectingChatClient(Answers()) { Options = new SelfCorrectionOptions { Rounds = -1 } },
            nameof(SelfCorrectionOptions.Rounds), "must be ≥ 0 (got -1)");
        SettingErrors.AssertThrows(() => CorrectionStrategies.Create("cac", new StrategySettings { Rounds = -1 }), nameof(StrategySettings.Rounds), "must be ≥ 0 (got -1)");
        SettingErrors.AssertThrows(() => new SelfCorrectionOptions { EarlyExit = true }.Validate(), nameof(SelfCorrectionOptions.EarlyExit), "needs a {VerdictParser}");
    }

    [Fact]
    public void ReAskTemplate_InsertsOrAppendsTheQuestion()
    {
        Assert.Equal("Again: Q", ReAskMode.FromTemplate("Again: ").Render("Q"));
        Assert.Equal("[Q] please", ReAskMode.FromTemplate("[{question}] please").Render("Q"));
        Assert.Equal("Q", ReAskMode.RepeatLastUserMessage.Render("Q"));
    }
}
