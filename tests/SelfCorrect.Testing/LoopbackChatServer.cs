using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Testing;

/// <summary>
/// A real HTTP server on loopback (Kestrel) speaking the OpenAI chat-completions protocol (JSON and SSE streaming,
/// under <see cref="BaseUri"/>; text completions at /v1/completions, not streamed) and Ollama's <c>/api/chat</c> (JSON and NDJSON streaming, under <see cref="RootUri"/>).
/// Each reply (an answer, an error status, or a hang until the client gives up) comes either from a script
/// (<see cref="StartAsync()"/>, then <see cref="Script"/>) or from a responder that decides it from the request's last
/// user message (a text completion's prompt) and its 1-based number (<see cref="StartAsync(TimeSpan, Func{string, int, Reply})"/>, which also
/// delays every reply). The server records every request and the most that were in flight at once.
/// </summary>
public sealed class LoopbackChatServer : IAsyncDisposable
{
    public abstract record Reply;
    public sealed record Answer(string Text) : Reply;
    public sealed record Status(int Code) : Reply;
    public sealed record Hang : Reply;

    public sealed record Request(string? Authorization, JsonObject Body)
    {
        public bool Streamed => Body["stream"]?.GetValue<bool>() == true;

        /// <summary>The text of the last user message (text parts joined).</summary>
        public string LastUserMessage => Body["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"] switch
        {
            JsonArray parts => string.Concat(parts.Select(part => (string?)part!["text"])),
            var content => (string?)content ?? "",
        };
    }

    private readonly WebApplication app;
    private readonly TimeSpan delay;
    private readonly Func<string, int, Reply>? responder;
    private readonly ConcurrentQueue<Reply> script = new();
    private readonly ConcurrentQueue<Request> requests = new();
    private int requestCount, inFlight, maxInFlight;

    private LoopbackChatServer(WebApplication app, TimeSpan delay, Func<string, int, Reply>? responder)
    {
        this.app = app;
        this.delay = delay;
        this.responder = responder;
    }

    /// <summary>The OpenAI-compatible base URL (with /v1).</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The server root, where Ollama's API lives.</summary>
    public Uri RootUri { get; private set; } = null!;

    /// <summary>The requests received since the start or the last <see cref="Script"/>.</summary>
    public IReadOnlyList<Request> Requests => [.. requests];

    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    /// <summary>Requests being answered now (a hang counts until its client gives up).</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>A scripted server: each request takes the next reply of <see cref="Script"/>; beyond it, "ok".</summary>
    public static Task<LoopbackChatServer> StartAsync() => StartCoreAsync(TimeSpan.Zero, responder: null);

    /// <param name="delay">How long each reply waits (a model's latency).</param>
    /// <param name="responder">The reply to a request, from its last user message and its 1-based number.</param>
    public static Task<LoopbackChatServer> StartAsync(TimeSpan delay, Func<string, int, Reply> responder) => StartCoreAsync(delay, responder);

    private static async Task<LoopbackChatServer> StartCoreAsync(TimeSpan delay, Func<string, int, Reply>? responder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var server = new LoopbackChatServer(app, delay, responder);
        app.MapPost("/v1/chat/completions", context => server.HandleAsync(context, ollama: false));
        app.MapPost("/api/chat", context => server.HandleAsync(context, ollama: true));
        app.MapPost("/v1/completions", server.CompleteAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.RootUri = new Uri(address.TrimEnd('/') + "/");
        server.BaseUri = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>Replaces the script and forgets the requests received so far; requests beyond the script are answered with "ok".</summary>
    public void Script(params Reply[] replies)
    {
        script.Clear();
        requests.Clear();
        foreach (var reply in replies) script.Enqueue(reply);
    }

    private async Task HandleAsync(HttpContext context, bool ollama)
    {
        int number = Interlocked.Increment(ref requestCount);
        int now = Interlocked.Increment(ref inFlight);
        for (int seen = Volatile.Read(ref maxInFlight); now > seen; seen = Volatile.Read(ref maxInFlight))
            if (Interlocked.CompareExchange(ref maxInFlight, now, seen) == seen) break;
        try
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
            var request = new Request(context.Request.Headers.Authorization.ToString(), body);
            requests.Enqueue(request);
            var reply = responder is not null ? responder(request.LastUserMessage, number)
                : script.TryDequeue(out var next) ? next
                : new Answer("ok");
            if (delay > TimeSpan.Zero && reply is not Hang) await Task.Delay(delay, context.RequestAborted);
            switch (reply)
            {
                case Status status:
                    context.Response.StatusCode = status.Code;
                    await context.Response.WriteAsJsonAsync(new { error = new { message = $"scripted {status.Code}", type = "test" } });
                    break;
                case Hang:
                    // Until the client gives up, or the server stops (a hung request must not hold up the test's end).
                    using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, app.Lifetime.ApplicationStopping))
                    {
                        try { await Task.Delay(Timeout.Infinite, stop.Token); }
                        catch (OperationCanceledException) { }
                    }
                    break;
                case Answer answer when ollama:
                    await OllamaAsync(context, answer.Text, body["stream"]?.GetValue<bool>() != false);
                    break;
                case Answer answer when request.Streamed:
                    await StreamAsync(context, answer.Text);
                    break;
                case Answer answer:
                    context.Response.ContentType = "application/json";
                    // Written by hand rather than serialised: benchmarks share the CPU with this server, so it stays cheap.
                    await context.Response.WriteAsync("{\"id\":\"chatcmpl-" + number + "\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":"
                        + JsonSerializer.Serialize((string?)body["model"] ?? "m") + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                        + JsonSerializer.Serialize(answer.Text) + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}");
                    break;
            }
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>
    /// Text completions (<c>/v1/completions</c>, not streamed): the reply as <c>choices[0].text</c>, from the responder
    /// (given the whole prompt) or the script.
    /// </summary>
    private async Task CompleteAsync(HttpContext context)
    {
        int number = Interlocked.Increment(ref requestCount);
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        requests.Enqueue(new Request(context.Request.Headers.Authorization.ToString(), body));
        var reply = responder is not null ? responder((string?)body["prompt"] ?? "", number)
            : script.TryDequeue(out var next) ? next
            : new Answer("ok");
        switch (reply)
        {
            case Status status:
                context.Response.StatusCode = status.Code;
                break;
            case Answer answer:
                await context.Response.WriteAsJsonAsync(new
                {
                    id = "cmpl-test", @object = "text_completion", created = 1_700_000_000, model = (string?)body["model"],
                    choices = new[] { new { index = 0, text = answer.Text, finish_reason = "length" } },
                });
                break;
        }
    }

    /// <summary>Server-sent events: one chunk per word, a finishing chunk, a usage chunk, then [DONE].</summary>
    private static async Task StreamAsync(HttpContext context, string text)
    {
        context.Response.ContentType = "text/event-stream";
        string[] words = text.Split(' ');
        var chunks = new List<object>();
        for (int i = 0; i < words.Length; i++)
            chunks.Add(Chunk(new { role = "assistant", content = i == 0 ? words[i] : " " + words[i] }, finish: null));
        chunks.Add(Chunk(new { }, finish: "stop"));
        chunks.Add(new { id = "chatcmpl-test", @object = "chat.completion.chunk", created = 1_700_000_000, model = "m", choices = Array.Empty<object>(), usage = new { prompt_tokens = 11, completion_tokens = words.Length, total_tokens = 11 + words.Length } });
        foreach (var chunk in chunks)
        {
            await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
            await context.Response.Body.FlushAsync();
        }
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>Ollama's reply: one JSON object, or (streaming) one NDJSON line per word and a closing line with the counts.</summary>
    private static async Task OllamaAsync(HttpContext context, string text, bool stream)
    {
        const string created = "2024-01-01T00:00:00Z";
        object Final(string content) => new
        {
            model = "m", created_at = created, message = new { role = "assistant", content }, done = true, done_reason = "stop",
            prompt_eval_count = 11, eval_count = 3,
        };
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(Final(text));
            return;
        }
        context.Response.ContentType = "application/x-ndjson";
        string[] words = text.Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            var line = new { model = "m", created_at = created, message = new { role = "assistant", content = i == 0 ? words[i] : " " + words[i] }, done = false };
            await context.Response.WriteAsync(JsonSerializer.Serialize(line) + "\n");
            await context.Response.Body.FlushAsync();
        }
        await context.Response.WriteAsync(JsonSerializer.Serialize(Final("")) + "\n");
    }

    private static object Chunk(object delta, string? finish) => new
    {
        id = "chatcmpl-test",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "m",
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
