using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

/// <summary>The in-process GGUF backend with the real tiny random-weight model (gibberish text, real code path).</summary>
public sealed class GgufBackendTests
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0f, MaxOutputTokens = 12, Seed = 1 };

    private static GgufChatClient Load(BackendOptions? options = null) =>
        (GgufChatClient)ChatBackends.Create(new ModelSpec(BackendKind.Gguf, TestModels.TinyGgufPath), options ?? new BackendOptions { ContextSize = 1024, Threads = 1 });

    private static List<ChatMessage> Question() =>
    [
        new(ChatRole.System, "You are a helpful assistant."),
        new(ChatRole.User, "Write a short poem about the sea."),
    ];

    [TinyModelFact]
    public async Task Load_AndGenerate_ReportsTemplateAndUsage()
    {
        using var client = Load();

        var response = await client.GetResponseAsync(Question(), Greedy);

        Assert.Contains("chatml", client.TemplateDescription);
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage!.InputTokenCount > 10);
        Assert.InRange(response.Usage.OutputTokenCount!.Value, 1, 12);
        Assert.Equal(0, response.Usage.CachedInputTokenCount);
        Assert.Equal("gguf", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [TinyModelFact]
    public async Task CacRound_RunsThreeGenerationsThroughTheModel()
    {
        using var model = Load();
        var client = new ChatClientBuilder(model).UseSelfCorrection(configure: c => c.Options = new SelfCorrectionOptions { Rounds = 1 }).Build();

        var response = await client.GetResponseAsync(Question(), Greedy);

        var trace = response.GetSelfCorrectionTrace()!;
        Assert.Equal([StageKind.Initial, StageKind.Critique, StageKind.Final], trace.Stages.Select(stage => stage.Kind));
        Assert.All(trace.Stages, stage => Assert.True(stage.Usage!.OutputTokenCount > 0));
        Assert.All(trace.Stages, stage => Assert.True(stage.Latency > TimeSpan.Zero));
        Assert.Equal(trace.Stages.Sum(stage => stage.Usage!.InputTokenCount), response.Usage!.InputTokenCount);
        Assert.Equal(trace.Finals.Single().Text, response.Text);
        // Each stage's prompt holds the previous one's plus the new turns.
        Assert.True(trace.Stages[1].Usage!.InputTokenCount > trace.Stages[0].Usage!.InputTokenCount);
        Assert.True(trace.Stages[2].Usage!.InputTokenCount > trace.Stages[1].Usage!.InputTokenCount);
    }

    [TinyModelFact]
    public async Task Rank_SamplesSeededCandidatesThroughTheModel_AndIsReproducible()
    {
        using var model = Load();
        var client = model.AsBuilder().UseInContextRanking(configure: c => c.Options = new InContextRankingOptions { Candidates = 3 }).Build();

        var first = (await client.GetResponseAsync(Question(), Greedy)).GetSelfCorrectionTrace()!;
        var again = (await client.GetResponseAsync(Question(), Greedy)).GetSelfCorrectionTrace()!;

        Assert.Equal(7, first.Stages.Count);
        Assert.All(first.Stages, stage => Assert.True(stage.Usage!.OutputTokenCount > 0));
        var candidates = first.Stages.Where(stage => stage.Kind == StageKind.Initial).Select(stage => stage.Text).ToList();
        Assert.True(candidates.Distinct().Count() > 1, string.Join(" | ", candidates));
        Assert.Equal(first.Stages.Select(stage => stage.Text), again.Stages.Select(stage => stage.Text));
        // The final prompt holds the question, three (answer, scoring prompt, score) triplets and the re-asks.
        Assert.True(first.Answer.Usage!.InputTokenCount > first.Stages.Where(stage => stage.Kind == StageKind.Critique).Max(stage => stage.Usage!.InputTokenCount));
    }

    [TinyModelFact]
    public async Task Streaming_YieldsTokensThatJoinToTheNonStreamedAnswer()
    {
        using var client = Load();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question(), Greedy)) updates.Add(update);
        var whole = await client.GetResponseAsync(Question(), Greedy);

        Assert.True(updates.Count(update => update.Text.Length > 0) > 1);
        Assert.Equal(whole.Text, string.Concat(updates.Select(update => update.Text)));
        Assert.Equal(whole.Usage!.OutputTokenCount, updates.ToChatResponse().Usage!.OutputTokenCount);
    }

    [TinyModelFact]
    public async Task SameSeed_SameOutput_AcrossFreshLoads_GreedyAndSampled()
    {
        var sampled = new ChatOptions { Temperature = 0.9f, MaxOutputTokens = 16, Seed = 42 };
        string[] runs = new string[4];
        for (int i = 0; i < 2; i++)
        {
            using var client = Load();
            runs[i] = (await client.GetResponseAsync(Question(), Greedy)).Text;
            runs[2 + i] = (await client.GetResponseAsync(Question(), sampled)).Text;
        }
        Assert.Equal(runs[0], runs[1]);
        Assert.Equal(runs[2], runs[3]);

        using var other = Load();
        var otherSeeds = await Task.WhenAll(Enumerable.Range(0, 4).Select(seed =>
            other.GetResponseAsync(Question(), new ChatOptions { Temperature = 0.9f, MaxOutputTokens = 16, Seed = 100 + seed })));
        Assert.Contains(otherSeeds, response => response.Text != runs[2]);
    }

    [TinyModelFact]
    public async Task Cancellation_StopsGenerationMidStream_AndTheClientStaysUsable()
    {
        using var client = Load(new BackendOptions { ContextSize = 4096, Threads = 1 });
        using var cancel = new CancellationTokenSource();
        var longAnswer = new ChatOptions { Temperature = 0f, MaxOutputTokens = 3000 };

        int pieces = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question(), longAnswer, cancel.Token))
            {
                if (update.Text.Length == 0) continue;
                if (++pieces == 3) cancel.Cancel();
            }
        });
        Assert.Equal(3, pieces);

        var after = await client.GetResponseAsync(Question(), Greedy);
        Assert.False(string.IsNullOrEmpty(after.Text));
    }

    [TinyModelFact]
    public async Task KvCacheReuse_EvaluatesFewerPromptTokensThanNaiveReplay_WithTheSameAnswers()
    {
        async Task<(GgufChatClient Model, ChatResponse Response)> RunCac(bool reuse)
        {
            var model = Load(new BackendOptions { ContextSize = 2048, Threads = 1, ReuseKvCache = reuse });
            var client = new SelfCorrectingChatClient(model) { Options = new SelfCorrectionOptions { Rounds = 2 } };
            return (model, await client.GetResponseAsync(Question(), Greedy));
        }

        var (reusing, reused) = await RunCac(reuse: true);
        var (replaying, replayed) = await RunCac(reuse: false);
        using (reusing)
        using (replaying)
        {
            Assert.Equal(replayed.GetSelfCorrectionTrace()!.Stages.Select(stage => stage.Text), reused.GetSelfCorrectionTrace()!.Stages.Select(stage => stage.Text));
            Assert.Equal(replaying.PromptTokens, reusing.PromptTokens);
            Assert.Equal(replaying.PromptTokens, replaying.EvaluatedPromptTokens);
            Assert.True(reusing.EvaluatedPromptTokens < replaying.EvaluatedPromptTokens / 2,
                $"with reuse {reusing.EvaluatedPromptTokens} evaluated prompt tokens, naive replay {replaying.EvaluatedPromptTokens}");
            Assert.Equal(reusing.PromptTokens - reusing.EvaluatedPromptTokens, reused.Usage!.CachedInputTokenCount);
        }
    }

    [TinyModelFact]
    public async Task ConcurrentRequests_AreServedSafely_WithTheSameAnswersAsOneAtATime()
    {
        using var client = Load(new BackendOptions { ContextSize = 1024, Threads = 1, MaxParallelRequests = 2 });
        var prompts = Enumerable.Range(0, 4).Select(i => new List<ChatMessage> { new(ChatRole.User, $"Question number {i}?") }).ToArray();

        var sequential = new List<string>();
        foreach (var prompt in prompts) sequential.Add((await client.GetResponseAsync(prompt, Greedy)).Text);
        var concurrent = await Task.WhenAll(prompts.Select(prompt => Task.Run(() => client.GetResponseAsync(prompt, Greedy))));

        Assert.Equal(sequential, concurrent.Select(response => response.Text));
    }

    [TinyModelFact]
    public async Task AssistantPrefill_IsContinuedByTheModel()
    {
        using var model = Load();
        var client = new SelfCorrectingChatClient(model) { Options = CorrectionStrategies.CacOptions(new StrategySettings { Protocol = CorrectionProtocol.Bbq }) };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Who was late? (a) Ann (b) Bob (c) Unknown.")], Greedy);

        var trace = response.GetSelfCorrectionTrace()!;
        Assert.True(trace.PrefillApplied);
        Assert.StartsWith("The answer is", response.Text);
        Assert.StartsWith("The answer is", trace.Initial.Text);
        Assert.False(trace.Critiques.Single().Text.StartsWith("The answer is", StringComparison.Ordinal));
    }

    [TinyModelFact]
    public async Task PromptLongerThanTheContext_IsBackendErrorNamingTheCause()
    {
        using var client = Load(new BackendOptions { ContextSize = 64, Threads = 1 });
        string longText = string.Join(" ", Enumerable.Repeat("word", 200));

        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, longText)], Greedy));

        Assert.Contains("but the context holds 64 (raise the context size)", error.Message);
        Assert.StartsWith("gguf:", error.Message);
    }
}
