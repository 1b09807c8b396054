using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Bench.Server;

/// <summary>
/// The floor for any HTTP gateway on this stack: Kestrel receives the request and HttpClient forwards its bytes to the
/// upstream and copies the answer back, with no parsing, no pipeline and no metrics. What the gateway costs beyond this
/// is its own work; what this costs over direct is the second HTTP hop every gateway pays.
/// </summary>
internal sealed class BareProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private BareProxy(WebApplication app, HttpClient upstream, Uri baseUri)
    {
        _app = app;
        _upstream = upstream;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<BareProxy> StartAsync(Uri upstreamBase)
    {
        var upstream = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        var target = new Uri(upstreamBase + "/chat/completions");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var content = new StreamContent(context.Request.Body);
            content.Headers.ContentType = new("application/json");
            using var response = await upstream.PostAsync(target, content, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = "application/json";
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new BareProxy(app, upstream, new Uri(address.TrimEnd('/') + "/v1"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
