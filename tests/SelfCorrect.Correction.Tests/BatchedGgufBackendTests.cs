using System.Globalization;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

/// <summary>
/// The batched GGUF backend with the real tiny random-weight model: concurrent requests share decode steps and get
/// the answers the one-request-at-a-time backend gives them, greedy and seeded sampling alike.
/// </summary>
public sealed class BatchedGgufBackendTests
{
    private const int ContextSize = 1024;

    private static IChatClient Load(int maxBatch, bool? flashAttention = null, int threads = 1) =>
        ChatBackends.Create(new ModelSpec(BackendKind.Gguf, TestModels.TinyGgufPath),
            new BackendOptions { ContextSize = ContextSize, Threads = threads, MaxBatch = maxBatch, FlashAttention = flashAttention });

    /// <summary>Eight CaC requests: half greedy, half sampled, each with a seed and a question of its own.</summary>
    private static (List<ChatMessage> Question, ChatOptions Options)[] CacRequests(string question = "Question number {0}: how do I bake bread?", int maxTokens = 10, int seed = 100) =>
    [
        .. Enumerable.Range(0, 8).Select(i => (
            new List<ChatMessage> { new(ChatRole.User, string.Format(CultureInfo.InvariantCulture, question, i)) },
            new ChatOptions { Temperature = i % 2 == 0 ? 0f : 0.9f, MaxOutputTokens = maxTokens, Seed = seed + i })),
    ];

    private static async Task<List<string>> StageTextsOneAfterAnotherAsync((List<ChatMessage>, ChatOptions)[] requests, bool? flashAttention)
    {
        using var alone = Load(maxBatch: 1, flashAttention, threads: 2);
        var texts = new List<string>();
        foreach (var request in requests) texts.AddRange((await CacAsync(alone, request)).GetSelfCorrectionTrace()!.Stages.Select(stage => stage.Text));
        return texts;
    }

    private static Task<ChatResponse> CacAsync(IChatClient model, (List<ChatMessage> Question, ChatOptions Options) request, CancellationToken cancellationToken = default) =>
        new SelfCorrectingChatClient(model) { Options = new SelfCorrectionOptions { Rounds = 1 } }
            .GetResponseAsync(request.Question, request.Options, cancellationToken);

    [TinyModelFact]
    public async Task ConcurrentCacRequests_ShareDecodeSteps_WithTheAnswersOfOneAfterAnother_AndKvReuse()
    {
        var requests = CacRequests();
        var sequential = new List<ChatResponse>();
        using (var alone = Load(maxBatch: 1))
        {
            Assert.IsType<GgufChatClient>(alone);
            foreach (var request in requests) sequential.Add(await CacAsync(alone, request));
        }

        using var batched = (BatchedGgufChatClient)Load(maxBatch: 8);
        var concurrent = await Task.WhenAll(requests.Select(request => CacAsync(batched, request)));

        Assert.True(batched.PeakBatch > 1, $"peak batch {batched.PeakBatch}");
        for (int i = 0; i < requests.Length; i++)
        {
            var expected = sequential[i].GetSelfCorrectionTrace()!.Stages;
            var actual = concurrent[i].GetSelfCorrectionTrace()!.Stages;
            Assert.Equal(expected.Select(stage => stage.Text), actual.Select(stage => stage.Text));
            Assert.Equal(expected.Select(stage => stage.Usage!.OutputTokenCount), actual.Select(stage => stage.Usage!.OutputTokenCount));
            // Each later stage extends the conversation its request's earlier stage left in a sequence.
            Assert.Equal(0, actual[0].Usage!.CachedInputTokenCount);
            Assert.All(actual.Skip(1), stage => Assert.True(stage.Usage!.CachedInputTokenCount > actual[0].Usage!.InputTokenCount / 2,
                $"stage reused {stage.Usage!.CachedInputTokenCount} of {stage.Usage.InputTokenCount} prompt tokens"));
        }
        Assert.Contains(requests, request => request.Options.Temperature > 0);
        Assert.True(concurrent.Select(response => response.Text).Distinct().Count() > 1);
    }

    [TinyModelFact]
    public async Task WithoutFlashAttention_LongCacRequests_GiveTheAnswersOfOneAfterAnother_BitForBit()
    {
        // The GGUF batch benchmark's second round: 48 tokens a stage take the conversations past 256 cells, where
        // llama.cpp's CPU flash attention (two threads) sums a lone token's attention in another order than a batched
        // one's, and with it on, request 3's third stage samples another token.
        var requests = CacRequests("Round 1, question {0}: how do I bake bread?", maxTokens: 48, seed: 1000);
        var expected = await StageTextsOneAfterAnotherAsync(requests, flashAttention: false);

        using var batched = (BatchedGgufChatClient)Load(maxBatch: 8, flashAttention: false, threads: 2);
        var concurrent = await Task.WhenAll(requests.Select(request => CacAsync(batched, request)));

        Assert.True(batched.PeakBatch > 1, $"peak batch {batched.PeakBatch}");
        var stages = concurrent.SelectMany(response => response.GetSelfCorrectionTrace()!.Stages).ToList();
        Assert.Equal(expected, stages.Select(stage => stage.Text));
        Assert.Contains(stages, stage => stage.Usage!.TotalTokenCount > 256);
    }

    [TinyModelFact]
    public async Task MoreRequestsThanTheBatch_WaitTheirTurn_AndACancelledOneLeavesTheOthersWhole()
    {
        var requests = CacRequests();
        using var batched = (BatchedGgufChatClient)Load(maxBatch: 2);
        var expected = new List<string>();
        foreach (var request in requests.Take(4)) expected.Add((await batched.GetResponseAsync(request.Question, request.Options)).Text);

        using var cancel = new CancellationTokenSource();
        var longAnswer = new ChatOptions { Temperature = 0f, MaxOutputTokens = 900 };
        var cancelled = Task.Run(async () =>
        {
            int pieces = 0;
            await foreach (var update in batched.GetStreamingResponseAsync(requests[5].Question, longAnswer, cancel.Token))
                if (update.Text.Length > 0 && ++pieces == 3) cancel.Cancel();
        });
        var answers = await Task.WhenAll(requests.Take(4).Select(request => batched.GetResponseAsync(request.Question, request.Options)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(expected, answers.Select(answer => answer.Text));
        Assert.Equal(2, batched.PeakBatch);
    }

    [Fact]
    public void MaxBatchOutOfRange_IsRejectedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BackendOptions { MaxBatch = 0 }.Validate());
        Assert.Equal(nameof(BackendOptions.MaxBatch), error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackendOptions { MaxBatch = BackendOptions.MaxBatchLimit + 1 }.Validate());
    }
}
