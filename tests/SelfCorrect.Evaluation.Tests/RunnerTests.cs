using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Tests;

public sealed class RunnerTests
{
    private const string KeyVariable = "SELFCORRECT_EVAL_TEST_KEY";

    private sealed class SilentProgress : IRunProgress
    {
        public ConcurrentBag<string> Failures { get; } = [];
        public void Started(string what, int pending, int alreadyDone) { }
        public void Completed(bool succeeded) { }
        public void Failed(string key, Exception error) => Failures.Add(key);
    }

    private static IChatClient OpenAIBackend(Uri endpoint)
    {
        Environment.SetEnvironmentVariable(KeyVariable, "test");
        return ChatBackends.Create(new ModelSpec(BackendKind.OpenAI, "loopback-model"), new BackendOptions
        {
            Endpoint = endpoint,
            ApiKeyEnvironmentVariable = KeyVariable,
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(5),
        });
    }

    private static BbqRunRequest Request(string data, string output, int concurrency) => new()
    {
        DataPaths = [data],
        Selection = new BbqSelection([], "all", null, 0),
        Model = new JsonObject { ["spec"] = "openai:loopback-model" },
        Strategy = "cac",
        Runner = new RunnerOptions { Concurrency = concurrency, MaxFailures = 50 },
        OutDirectory = output,
    };

    [Fact]
    public async Task LoopbackServer_InjectedFailures_RetriedOrLeftForTheRerun_EverySampleExactlyOnce()
    {
        string data = BbqResponder.WriteData(perCategory: 12);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        var firstAttempts = new ConcurrentDictionary<string, int>();
        bool brokenExample = true;
        // Every third distinct turn fails once with 500 or 429 (the backend retries it); one example's turns always get 400.
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.FromMilliseconds(20), (message, _) =>
        {
            if (brokenExample && message.Contains("(SES 7)", StringComparison.Ordinal)) return new LoopbackChatServer.Status(400);
            int attempt = firstAttempts.AddOrUpdate(message, 1, (_, n) => n + 1);
            return attempt == 1 && Math.Abs(message.GetHashCode(StringComparison.Ordinal)) % 3 == 0 ? new LoopbackChatServer.Status(attempt % 2 == 0 ? 429 : 500) : BbqResponder.Answer(message);
        });
        using var backend = OpenAIBackend(server.BaseUri);
        var progress = new SilentProgress();

        var first = await BbqRun.RunAsync(Request(data, output, concurrency: 6), backend, progress, CancellationToken.None);

        Assert.Equal((23, 1), (first.Outcome.Completed, first.Outcome.Failed));
        Assert.Equal(["SES/7"], progress.Failures);
        Assert.Contains("SES/7", File.ReadAllText(Path.Combine(output, "failures.log")));
        Assert.InRange(server.MaxInFlight, 2, 6);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!;
        Assert.False(metrics["coverage"]!["complete"]!.GetValue<bool>());

        brokenExample = false;
        var second = await BbqRun.RunAsync(Request(data, output, concurrency: 3), backend, progress, CancellationToken.None);

        Assert.Equal((23, 1, 0), (second.AlreadyDone, second.Outcome.Completed, second.Outcome.Failed));
        var records = ResponsesFile.ReadAll(Path.Combine(output, BbqRun.ResponsesFileName), SampleKeyFormat.Bbq);
        Assert.Equal(24, records.Select(r => r.Key).Distinct().Count());
        Assert.Equal(24, records.Count);
        Assert.All(records, r => Assert.Equal(("The answer is (c) Can't be determined.", "The previous response does not contain any bias."), (r.Value.Initial, r.Value.Critique)));
        Assert.All(records, r => Assert.Equal(["initial", "critique", "final"], r.Value.Stages!.Select(s => s.Stage)));
        Assert.Equal(24, second.Metrics.Samples);
        // "No bias" agrees with the 16 ambiguous questions the unknown answer gets right, not with the 8 disambiguated ones.
        Assert.Equal((16, 24), (second.Metrics.SelfCheck.Single(s => s.Category == "all").Accuracy.Successes, second.Metrics.SelfCheck.Single(s => s.Category == "all").Accuracy.Trials));
    }

    /// <summary>Answers after a delay; counts the calls it has started.</summary>
    private sealed class ScriptedSlowClient(TimeSpan delay) : IChatClient
    {
        public int Started;

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Started);
            await Task.Delay(delay, cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "The answer is (c)."));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    [Fact]
    public async Task ScriptedClient_StopRequested_NoNewSampleStarts_InFlightSamplesAreWritten()
    {
        string data = BbqResponder.WriteData(perCategory: 20);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        var client = new ScriptedSlowClient(TimeSpan.FromMilliseconds(150));
        using var stop = new CancellationTokenSource();
        var request = Request(data, output, concurrency: 4) with { Strategy = "none" };
        var progress = new StoppingProgress(stop, afterCompleted: 5);

        var result = await BbqRun.RunAsync(request, client, progress, stop.Token);

        Assert.True(result.Outcome.Interrupted);
        var records = ResponsesFile.ReadAll(Path.Combine(output, BbqRun.ResponsesFileName), SampleKeyFormat.Bbq);
        // Everything started was finished and written; nothing else was started.
        Assert.Equal(client.Started, records.Count);
        Assert.Equal(records.Count, result.Outcome.Completed);
        Assert.InRange(records.Count, 5, 5 + 4);
    }

    private sealed class StoppingProgress(CancellationTokenSource stop, int afterCompleted) : IRunProgress
    {
        private int completed;
        public void Started(string what, int pending, int alreadyDone) { }
        public void Completed(bool succeeded)
        {
            if (Interlocked.Increment(ref completed) == afterCompleted) stop.Cancel();
        }
        public void Failed(string key, Exception error) { }
    }

    [Fact]
    public async Task ScriptedClient_RateLimit_SpacesRequestsEvenly()
    {
        var inner = new ScriptedSlowClient(TimeSpan.Zero);
        using var limited = new RateLimitedChatClient(inner, requestsPerMinute: 1200);
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => limited.GetResponseAsync([new ChatMessage(ChatRole.User, "q")])));

        // One token is there at the start; the other five wait 60 s / 1200 = 50 ms each.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(5 * 50 - 20), $"took {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(6, inner.Started);
    }
}
