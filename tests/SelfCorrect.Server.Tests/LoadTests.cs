using System.Diagnostics;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Server.Tests;

/// <summary>
/// Many concurrent streaming clients, bounded in count and time (loopback only): every response complete, injected
/// upstream failures end as clean errors, and disconnected clients leave no upstream call running.
/// </summary>
public sealed class LoadTests
{
    private const int Clients = 128;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    /// <summary>The size: 256 streaming clients for 30 s (the suite's one long load test).</summary>
    [Fact]
    public async Task TwoHundredFiftySixStreamingClientsForThirtySeconds_AllResponsesComplete()
    {
        const int clients = 256;
        await using var upstream = await StartAsync(TimeSpan.FromMilliseconds(50), (_, _) => new Answer("a complete streamed answer"));
        await using var gateway = await Gateway.StartAsync(upstream);

        var outcomes = await RunClientsAsync(gateway, clients, TimeSpan.FromSeconds(30));

        // Every client keeps a request in flight for the whole 30 s: at least one per client, most many more.
        Assert.True(outcomes.Count >= 2 * clients, $"only {outcomes.Count} requests finished");
        Assert.All(outcomes, outcome => Assert.Equal("complete", outcome));
    }

    [Fact]
    public async Task ThirtyPercentUpstreamFailures_EveryRequestCompletesOrGetsACleanError()
    {
        // Deterministic: 3 of every 10 upstream calls fail.
        await using var upstream = await StartAsync(TimeSpan.FromMilliseconds(20), (_, number) => number % 10 < 3 ? new Status(500) : new Answer("a complete streamed answer"));
        await using var gateway = await Gateway.StartAsync(upstream);

        var outcomes = await RunClientsAsync(gateway, Clients, Duration);

        Assert.All(outcomes, outcome => Assert.Contains(outcome, new[] { "complete", "502", "error event" }));
        Assert.Contains("complete", outcomes);
        Assert.Contains("502", outcomes);
    }

    [Fact]
    public async Task DisconnectingClients_LeaveNoUpstreamCallRunning()
    {
        await using var upstream = await StartAsync(TimeSpan.Zero, (_, _) => new Hang());
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { Backend = options.Backend with { RequestTimeout = TimeSpan.FromMinutes(5) } });
        using var leave = new CancellationTokenSource();

        var requests = Enumerable.Range(0, 64)
            .Select(_ => gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: true), HttpCompletionOption.ResponseHeadersRead, leave.Token))
            .ToList();
        await Gateway.Eventually(() => upstream.InFlight == 64);
        leave.Cancel();
        foreach (var request in requests) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        await Gateway.Eventually(() => upstream.InFlight == 0);
    }

    /// <summary>Each client sends streamed requests one after another until <paramref name="duration"/> has passed; one outcome per request.</summary>
    private static async Task<List<string>> RunClientsAsync(Gateway gateway, int clients, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            var outcomes = new List<string>();
            do outcomes.Add(await StreamOnceAsync(gateway));
            while (clock.Elapsed < duration);
            return outcomes;
        }));
        return [.. perClient.SelectMany(outcomes => outcomes)];
    }

    private static async Task<string> StreamOnceAsync(Gateway gateway)
    {
        using var response = await gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: true), HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync();
            return body.Contains("\"error\"") ? ((int)response.StatusCode).ToString() : $"unclean {(int)response.StatusCode}: {body}";
        }
        var sse = await SseReader.ReadAsync(await response.Content.ReadAsStreamAsync());
        if (sse.Events.Count > 0 && sse.Events[^1].ContainsKey("error")) return "error event";
        bool complete = sse.Done && sse.Content == "a complete streamed answer" && sse.Events[^1]["usage"] is not null && sse.Events[^1]["self_correction"] is not null;
        return complete ? "complete" : $"incomplete: {sse.Content} done={sse.Done}";
    }
}
