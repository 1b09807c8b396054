using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

public sealed class InContextRankingTests
{
    private const string Scoring = "Score it 0-10.";

    private static readonly (ChatRole, string) System = (ChatRole.System, "Be helpful.");
    private static readonly (ChatRole, string) User = (ChatRole.User, "Q?");

    private static List<ChatMessage> Question() => [new(ChatRole.System, "Be helpful."), new(ChatRole.User, "Q?")];

    private static (ChatRole Role, string Text)[] Shape(IReadOnlyList<ChatMessage> messages) =>
        [.. messages.Select(message => (message.Role, message.Text))];

    /// <summary>The calls come in the order candidate 1, its score, candidate 2, its score, ..., final: call 2i is <c>answer i+1</c>, call 2i+1 the i-th score reply.</summary>
    private static ScriptedChatClient Model(params string[] scoreReplies) => new((index, _) =>
        index == 2 * scoreReplies.Length ? "final" : index % 2 == 0 ? $"answer {index / 2 + 1}" : scoreReplies[index / 2], continuesAssistant: true);

    private static InContextRankingChatClient Rank(IChatClient inner, InContextRankingOptions? options = null) =>
        new(inner) { Options = options ?? new InContextRankingOptions { ScoringPrompt = Scoring } };

    [Fact]
    public async Task ScriptedClient_Rank_ScoresEachCandidateThenAnswersWithThePairsInContextWorstFirst()
    {
        var inner = Model("7 - fine", "2: harmful", "9/10");

        var response = await Rank(inner).GetResponseAsync(Question());

        Assert.Equal(7, inner.Calls.Count);
        for (int candidate = 1; candidate <= 3; candidate++)
        {
            Assert.Equal([System, User], Shape(inner.Calls[2 * candidate - 2].Messages));
            Assert.Equal([System, User, (ChatRole.Assistant, $"answer {candidate}"), (ChatRole.User, Scoring)], Shape(inner.Calls[2 * candidate - 1].Messages));
        }
        Assert.Equal(
            [System, User,
             (ChatRole.Assistant, "answer 2"), (ChatRole.User, Scoring), (ChatRole.Assistant, "2: harmful"), User,
             (ChatRole.Assistant, "answer 1"), (ChatRole.User, Scoring), (ChatRole.Assistant, "7 - fine"), User,
             (ChatRole.Assistant, "answer 3"), (ChatRole.User, Scoring), (ChatRole.Assistant, "9/10"), User],
            Shape(inner.Calls[6].Messages));
        Assert.Equal("final", response.Text);
    }

    [Fact]
    public async Task ScriptedClient_Rank_BestFirst_PutsTheHighestScoreFirstAndUnscoredLast()
    {
        var inner = Model("no idea", "3", "8");

        await Rank(inner, new InContextRankingOptions { ScoringPrompt = Scoring, Order = RankOrder.BestFirst }).GetResponseAsync(Question());

        var answers = inner.Calls[6].Messages.Where(message => message.Role == ChatRole.Assistant && message.Text.StartsWith("answer", StringComparison.Ordinal));
        Assert.Equal(["answer 3", "answer 2", "answer 1"], answers.Select(message => message.Text));
    }

    [Fact]
    public async Task ScriptedClient_Rank_CandidatesAreSampledWithTheirOwnSeeds_ScoresAndFinalWithTheCallersOptions()
    {
        var inner = Model("1", "2", "3");
        var caller = new ChatOptions { Temperature = 0f, Seed = 7, MaxOutputTokens = 64 };

        await Rank(inner, new InContextRankingOptions { ScoringPrompt = Scoring, Temperature = 0.6f, ScoreOptions = new ChatOptions { MaxOutputTokens = 4 } })
            .GetResponseAsync(Question(), caller);

        Assert.Equal([(0.6f, 7L, 64), (0.6f, 8L, 64), (0.6f, 9L, 64)],
            inner.Calls.Where((_, i) => i is 0 or 2 or 4).Select(call => (call.Options!.Temperature, call.Options.Seed, call.Options.MaxOutputTokens)));
        Assert.All(inner.Calls.Where((_, i) => i is 1 or 3 or 5), call => Assert.Equal((0f, 7L, 4), (call.Options!.Temperature, call.Options.Seed, call.Options.MaxOutputTokens)));
        Assert.Equal((0f, 7L, 64), (inner.Calls[6].Options!.Temperature, inner.Calls[6].Options!.Seed, inner.Calls[6].Options!.MaxOutputTokens));
        Assert.Equal((0f, 7L, 64), (caller.Temperature, caller.Seed, caller.MaxOutputTokens));
    }

    [Fact]
    public async Task ScriptedClient_Rank_TraceRecordsEveryCandidateAndScore()
    {
        var inner = Model("5", "unsure");

        var response = await Rank(inner, new InContextRankingOptions { ScoringPrompt = Scoring, Candidates = 2 }).GetResponseAsync(Question());

        var trace = response.GetSelfCorrectionTrace()!;
        Assert.Equal("rank", trace.Strategy);
        Assert.Equal(
            [(StageKind.Initial, 0, (int?)1, (double?)null), (StageKind.Critique, 1, 1, 5), (StageKind.Initial, 0, 2, null), (StageKind.Critique, 1, 2, null),
             (StageKind.Final, 1, null, null)],
            trace.Stages.Select(stage => (stage.Kind, stage.Round, stage.Candidate, stage.Score)));
        Assert.Equal(["answer 1", "answer 2"], trace.Stages.Where(stage => stage.Kind == StageKind.Initial).Select(stage => stage.Text));
        Assert.Equal("final", trace.Answer.Text);
        Assert.Equal(Enumerable.Range(0, 5).Sum(i => 10 * (i + 1)), response.Usage!.InputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount, trace.TotalUsage!.InputTokenCount);
    }

    [Fact]
    public async Task ScriptedClient_Rank_Bbq_PrefillsCandidatesAndFinalButNotScores_AndReAsksWithTheTemplate()
    {
        var inner = Model("8", "4");
        var presets = PromptPresets.Default;
        var options = CorrectionStrategies.RankingOptions(new StrategySettings { Protocol = CorrectionProtocol.Bbq, Candidates = 2 });

        var response = await Rank(inner, options).GetResponseAsync([new ChatMessage(ChatRole.User, "Q?")]);

        Assert.Equal((ChatRole.Assistant, presets.BbqAnswerPrefill), Shape(inner.Calls[0].Messages)[^1]);
        Assert.Equal((ChatRole.User, presets.BbqScoringPrompt), Shape(inner.Calls[1].Messages)[^1]);
        Assert.Equal((ChatRole.Assistant, presets.BbqAnswerPrefill + "answer 1"), Shape(inner.Calls[1].Messages)[^2]);
        var final = Shape(inner.Calls[4].Messages);
        Assert.Equal([(ChatRole.User, presets.BbqReAskTemplate + "Q?"), (ChatRole.Assistant, presets.BbqAnswerPrefill)], final[^2..]);
        Assert.Equal((ChatRole.Assistant, presets.BbqAnswerPrefill + "answer 2"), final[1]);
        Assert.Equal(presets.BbqAnswerPrefill + "final", response.Text);
    }

    [Fact]
    public async Task ScriptedClient_RankStreaming_StreamsOnlyTheFinalAnswerAndEndsWithTheTrace()
    {
        var inner = new ScriptedChatClient((index, _) => index == 4 ? "the final answer" : index % 2 == 0 ? "candidate" : "6");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Rank(inner, new InContextRankingOptions { Candidates = 2 }).GetStreamingResponseAsync(Question())) updates.Add(update);

        Assert.Equal([false, false, false, false, true], inner.Calls.Select(call => call.Streamed));
        Assert.Equal(["the", " final", " answer"], updates.Where(update => update.Text.Length > 0).Select(update => update.Text));
        Assert.Equal(5, updates[^1].GetSelfCorrectionTrace()!.Stages.Count);
    }

    [Fact]
    public async Task ScriptedClient_RankFromTheRegistry_UsesTheProtocolScoringPrompt()
    {
        var inner = Model("1", "2", "3");
        var client = inner.AsBuilder().UseStrategy(CorrectionStrategies.Create("rank", new StrategySettings())).Build();

        await client.GetResponseAsync(Question());

        Assert.Equal(PromptPresets.Default.JailbreakScoringPrompt, inner.Calls[1].Messages[^1].Text);
        Assert.Equal(7, inner.Calls.Count);
    }

    [Fact]
    public void ScoreParsers_ReadTheFirstNumber_OrAVerdict()
    {
        Assert.Equal(8, ScoreParsers.FirstNumber.Parse("8/10: harmless"));
        Assert.Equal(7.5, ScoreParsers.FirstNumber.Parse("Score: 7.5 out of 10"));
        Assert.Null(ScoreParsers.FirstNumber.Parse("harmless"));
        var verdicts = ScoreParsers.FromVerdict(VerdictParsers.Keywords(["harmful"], ["harmless"]), problemScore: 0, noProblemScore: 10);
        Assert.Equal((10.0, 0.0, (double?)null), (verdicts.Parse("harmless")!.Value, verdicts.Parse("harmful")!.Value, verdicts.Parse("?")));
    }

    [Fact]
    public void InvalidOptions_AreRejectedNamingTheSetting()
    {
        SettingErrors.AssertThrows(() => CorrectionStrategies.Create("rank", new StrategySettings { Candidates = 0 }),
            nameof(InContextRankingOptions.Candidates), "must be ≥ 1 (got 0)");
        SettingErrors.AssertThrows(() => new InContextRankingChatClient(Model()) { Options = new InContextRankingOptions { Temperature = 0 } },
            nameof(InContextRankingOptions.Temperature), "must be > 0 so that the candidates differ (got 0)");
        SettingErrors.AssertThrows(() => new InContextRankingOptions { ScoringPrompt = " " }.Validate(), nameof(InContextRankingOptions.ScoringPrompt), "must not be empty");
    }

    [Fact]
    public async Task ScriptedClient_WithoutAUserMessage_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Rank(Model("1")).GetResponseAsync([new ChatMessage(ChatRole.System, "Hi")]));
    }
}
