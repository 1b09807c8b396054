using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Evaluation.Tests;

/// <summary>
/// A real OpenAI-compatible chat-completions server on loopback (Kestrel) with a fixed delay per request. The
/// responder decides each reply from the request's last user message and its 1-based request number: an answer
/// text, or an HTTP status (to inject failures). It counts requests and the most that were in flight at once.
/// </summary>
public sealed class LoopbackChatServer : IAsyncDisposable
{
    /// <summary>An answer, or a failure with an HTTP status when <paramref name="Status"/> is set.</summary>
    public sealed record Reply(string? Text, int? Status = null);

    private readonly WebApplication app;
    private readonly TimeSpan delay;
    private readonly Func<string, int, Reply> responder;
    private int requests, inFlight, maxInFlight;

    private LoopbackChatServer(WebApplication app, TimeSpan delay, Func<string, int, Reply> responder)
    {
        this.app = app;
        this.delay = delay;
        this.responder = responder;
    }

    public Uri BaseUri { get; private set; } = null!;
    public int Requests => Volatile.Read(ref requests);
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    public static async Task<LoopbackChatServer> StartAsync(TimeSpan delay, Func<string, int, Reply> responder)
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
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        int number = Interlocked.Increment(ref requests);
        int now = Interlocked.Increment(ref inFlight);
        for (int seen = Volatile.Read(ref maxInFlight); now > seen; seen = Volatile.Read(ref maxInFlight))
            if (Interlocked.CompareExchange(ref maxInFlight, now, seen) == seen) break;
        try
        {
            string lastUser, model;
            using (var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
            {
                model = body.RootElement.TryGetProperty("model", out var name) ? name.GetString() ?? "m" : "m";
                var user = body.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content");
                lastUser = user.ValueKind == JsonValueKind.String ? user.GetString()! : string.Concat(user.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
            }
            var reply = responder(lastUser, number);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted);
            if (reply.Status is int status)
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(new { error = new { message = $"injected {status}", type = "test" } });
                return;
            }
            context.Response.ContentType = "application/json";
            // Written by hand rather than serialised: the benchmark shares the CPU with this server, so it stays cheap.
            await context.Response.WriteAsync("{\"id\":\"chatcmpl-" + number + "\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":"
                + JsonSerializer.Serialize(model) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + JsonSerializer.Serialize(reply.Text)
                + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":5,\"total_tokens\":25}}");
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
