using System.Net;
using System.Text.Json.Nodes;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Server.Tests;

/// <summary>The server's own safety: client keys, rate limit, body limit, concurrency cap, and cancelling on disconnect.</summary>
public sealed class SafetyTests
{
    [Fact]
    public async Task ClientKeys_401WithOpenAIErrorWithoutAValidKey_HealthzStaysOpen()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { ClientKeyHashes = new HashSet<string> { ClientKeys.Hash("good") } });

        var (missing, missingJson, response) = await gateway.PostAsync(Gateway.Body("q"));
        var (wrong, _, _) = await gateway.PostAsync(Gateway.Body("q"), ("Authorization", "Bearer bad"));
        var (good, _, _) = await gateway.PostAsync(Gateway.Body("q"), ("Authorization", "Bearer good"));

        Assert.Equal(401, missing);
        Assert.Equal("invalid_api_key", (string?)missingJson["error"]!["code"]);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(401, wrong);
        Assert.Equal(200, good);
        Assert.Equal((HttpStatusCode)401, (await gateway.Http.GetAsync("v1/models")).StatusCode);
        Assert.Equal("ok", await gateway.Http.GetStringAsync("healthz"));
    }

    [Fact]
    public void ClientKeyFile_TakesHashesOnly_NamingTheLineOfAKey()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("selfcorrect-keys-").FullName, "keys.txt");
        File.WriteAllText(file, $"# team a\n{ClientKeys.Hash("a").ToUpperInvariant()}\n\n{ClientKeys.Hash("b")}\n");
        Assert.Equal(new[] { ClientKeys.Hash("a"), ClientKeys.Hash("b") }.Order(), ClientKeys.Load(file, null).Order());

        File.AppendAllText(file, "sk-plain-key\n");
        var error = Assert.Throws<InvalidDataException>(() => ClientKeys.Load(file, null));
        Assert.StartsWith($"{file}:5: expected a SHA-256 hash", error.Message);
    }

    [Fact]
    public async Task RateLimit_PerKey_Is429WithRetryAfter_OtherKeysUnaffected()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream, options => options with
        {
            ClientKeyHashes = new HashSet<string> { ClientKeys.Hash("a"), ClientKeys.Hash("b") },
            RateLimit = 2,
            RateLimitWindow = TimeSpan.FromMinutes(1),
        });
        var none = new JsonObject { ["self_correction"] = new JsonObject { ["strategy"] = "none" } };

        int[] statuses = [.. await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => (await gateway.PostAsync(Gateway.Body("q", none), ("Authorization", "Bearer a"))).Status))];
        var (limited, json, response) = await gateway.PostAsync(Gateway.Body("q", none), ("Authorization", "Bearer a"));
        var (other, _, _) = await gateway.PostAsync(Gateway.Body("q", none), ("Authorization", "Bearer b"));

        Assert.Equal([200, 200, 429], statuses.Order());
        Assert.Equal(429, limited);
        Assert.Equal("rate_limit_exceeded", (string?)json["error"]!["code"]);
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Equal(200, other);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { MaxRequestBodyBytes = 4096 });

        var (status, json, _) = await gateway.PostAsync(Gateway.Body(new string('x', 10_000)));

        Assert.Equal(413, status);
        Assert.Equal("request_too_large", (string?)json["error"]!["code"]);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ConcurrencyCap_QueuesThenRefusesWith503_AndNeverExceedsTheCapUpstream()
    {
        await using var upstream = await StartAsync(TimeSpan.FromMilliseconds(300), (_, _) => new Answer("ok"));
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { MaxConcurrentRequests = 2, QueueLimit = 2, Strategy = "none" });

        int[] statuses = [.. await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ => (await gateway.PostAsync(Gateway.Body("q"))).Status))];

        Assert.Equal(4, statuses.Count(status => status == 200));
        Assert.Equal(2, statuses.Count(status => status == 503));
        Assert.Equal(2, upstream.MaxInFlight);
    }

    [Fact]
    public async Task ClientDisconnect_CancelsItsUpstreamCall()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { Backend = options.Backend with { RequestTimeout = TimeSpan.FromMinutes(5) } });
        upstream.Script(new Hang());

        using var leave = new CancellationTokenSource();
        var request = gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: false), HttpCompletionOption.ResponseHeadersRead, leave.Token);
        await Gateway.Eventually(() => upstream.InFlight == 1);
        leave.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        await Gateway.Eventually(() => upstream.InFlight == 0);
    }
}
