using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using SelfCorrect.Correction;

namespace SelfCorrect.Server.Tests;

/// <summary>A real gateway on loopback in front of a loopback upstream, and an HttpClient for it.</summary>
public sealed class Gateway : IAsyncDisposable
{
    /// <summary>The upstream's key: it must reach the upstream and nothing else.</summary>
    public const string UpstreamKey = "sk-upstream-secret-7f3a";
    public const string UpstreamKeyVariable = "SELFCORRECT_TEST_UPSTREAM_KEY";

    private Gateway(SelfCorrectServer server, HttpClient http)
    {
        Server = server;
        Http = http;
    }

    public SelfCorrectServer Server { get; }

    public HttpClient Http { get; }

    public Uri BaseUri => Server.BaseUri;

    /// <summary>Serves <c>openai:m</c> at <paramref name="upstream"/> as <c>selfcorrect</c> (cac, 1 round), no retries, 30 s per attempt.</summary>
    public static async Task<Gateway> StartAsync(LoopbackChatServer upstream, Func<ServerOptions, ServerOptions>? configure = null)
    {
        Environment.SetEnvironmentVariable(UpstreamKeyVariable, UpstreamKey);
        var options = new ServerOptions
        {
            Port = 0,
            Model = ModelSpec.Parse("openai:m"),
            Backend = new BackendOptions
            {
                Endpoint = upstream.BaseUri,
                ApiKeyEnvironmentVariable = UpstreamKeyVariable,
                MaxRetries = 0,
                // Generous: CI runs test projects side by side on two cores; tests of timeouts set their own.
                RequestTimeout = TimeSpan.FromSeconds(30),
            },
            LoggerProvider = new CapturingLoggerProvider(),
        };
        var server = await SelfCorrectServer.StartAsync(configure is null ? options : configure(options));
        return new Gateway(server, new HttpClient { BaseAddress = server.RootUri, Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>A chat request body asking <paramref name="question"/>, with extra fields laid over it.</summary>
    public static JsonObject Body(string question, JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["model"] = "selfcorrect",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
        };
        foreach (var (key, value) in extra ?? []) body[key] = value?.DeepClone();
        return body;
    }

    /// <summary>A streamed chat request, with or without the usage chunk.</summary>
    public static HttpRequestMessage StreamRequest(string question, bool includeUsage)
    {
        var body = Body(question, new JsonObject
        {
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = includeUsage },
        });
        return new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails after 20 s.</summary>
    public static async Task Eventually(Func<bool> condition)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !condition(); await Task.Delay(20))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "condition not met within 20 s");
    }

    public async Task<(int Status, JsonObject Json, HttpResponseMessage Response)> PostAsync(JsonObject body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await Http.SendAsync(request);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return ((int)response.StatusCode, json, response);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
