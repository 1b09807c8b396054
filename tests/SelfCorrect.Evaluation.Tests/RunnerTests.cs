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
        var transientStatuses = new ConcurrentBag<int>();
        bool brokenExample = true;
        // A third of the distinct turns fail once with 500 and a third once with 429 (the backend retries them), chosen by
        // a hash that is the same in every process; one example's turns always get 400.
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.FromMilliseconds(20), (message, _) =>
        {
            if (brokenExample && message.Contains("(SES 7)", StringComparison.Ordinal)) return new LoopbackChatServer.Status(400);
            int attempt = firstAttempts.AddOrUpdate(message, 1, (_, n) => n + 1);
            int? status = attempt > 1 ? null : (int)(StableHash(message) % 3) switch { 0 => 500, 1 => 429, _ => null };
            if (status is not int code) return BbqResponder.Answer(message);
            transientStatuses.Add(code);
            return new LoopbackChatServer.Status(code);
        });
        using var backend = OpenAIBackend(server.BaseUri);
        var progress = new SilentProgress();

        var first = await BbqRun.RunAsync(Request(data, output, concurrency: 6), backend, progress, CancellationToken.None);

        Assert.Equal((23, 1), (first.Outcome.Completed, first.Outcome.Failed));
        Assert.Equal(["SES/7"], progress.Failures);
        Assert.Contains("SES/7", File.ReadAllText(Path.Combine(output, "failures.log")));
        Assert.InRange(server.MaxInFlight, 1, 6);
        Assert.Contains(429, transientStatuses);
        Assert.Contains(500, transientStatuses);
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

    /// <summary>FNV-1a over the UTF-16 code units: unlike string.GetHashCode, the same in every process.</summary>
    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = (hash ^ c) * 16777619;
        return hash;
    }

    [Fact]
    public async Task ScriptedClient_Concurrency_IsReachedAndNeverExceeded()
    {
        string data = BbqResponder.WriteData(perCategory: 6);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        var client = new ScriptedSlowClient(TimeSpan.Zero, holdUntilInFlight: 4);

        var result = await BbqRun.RunAsync(Request(data, output, concurrency: 4) with { Strategy = "none" }, client, new SilentProgress(), CancellationToken.None);

        // The first four calls can only return once four are in flight; a fifth would have to wait for a slot.
        Assert.Equal((12, 0), (result.Outcome.Completed, result.Outcome.Failed));
        Assert.Equal(4, client.MaxInFlight);
    }

    /// <summary>
    /// Answers after a delay, and first, when <paramref name="holdUntilInFlight"/> is set, holds every call until that
    /// many are in flight at once; counts the calls it has started and the most in flight.
    /// </summary>
    private sealed class ScriptedSlowClient(TimeSpan delay, int holdUntilInFlight = 0) : IChatClient
    {
        private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int inFlight;
        public int Started;
        public int MaxInFlight;

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Started);
            int now = Interlocked.Increment(ref inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref MaxInFlight)) && Interlocked.CompareExchange(ref MaxInFlight, now, seen) != seen) { }
            if (now >= holdUntilInFlight) held.TrySetResult();
            // Fails the test, rather than hanging it, when the runner never reaches the bound.
            await held.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            await Task.Delay(delay, cancellationToken);
            Interlocked.Decrement(ref inFlight);
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
