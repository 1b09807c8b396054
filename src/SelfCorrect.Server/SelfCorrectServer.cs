using System.Net;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace SelfCorrect.Server;

/// <summary>
/// The OpenAI-compatible self-correcting gateway on Kestrel: <c>POST /v1/chat/completions</c>, <c>GET /v1/models</c>,
/// <c>GET /healthz</c> and <c>GET /metrics</c> (Prometheus text). Client keys, the per-key rate limit and the
/// concurrency cap guard the chat endpoint; a stop (SIGTERM, Ctrl-C, <see cref="StopAsync"/>) refuses new connections
/// and waits up to <see cref="ServerOptions.ShutdownTimeout"/> for the requests in flight.
/// </summary>
public sealed class SelfCorrectServer : IAsyncDisposable
{
    private const string ChatPath = "/v1/chat/completions";
    private const string ClientItem = "selfcorrect.client";

    private readonly WebApplication _app;
    private readonly ModelCatalog _catalog;
    private readonly ServerMetrics _metrics;

    private SelfCorrectServer(WebApplication app, ModelCatalog catalog, ServerMetrics metrics, Uri root)
    {
        _app = app;
        _catalog = catalog;
        _metrics = metrics;
        RootUri = root;
    }

    /// <summary>The server root (where <c>/healthz</c> and <c>/metrics</c> are).</summary>
    public Uri RootUri { get; }

    /// <summary>The base URL OpenAI clients take (with <c>/v1</c>).</summary>
    public Uri BaseUri => new(RootUri, "v1");

    public IReadOnlyList<ServedModel> Models => _catalog.Models;

    /// <summary>Validates the options, creates every upstream, and starts listening.</summary>
    public static async Task<SelfCorrectServer> StartAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var catalog = ModelCatalog.Create(options);
        var metrics = new ServerMetrics();
        try
        {
            var app = Build(options, catalog, metrics);
            await app.StartAsync(cancellationToken);
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new SelfCorrectServer(app, catalog, metrics, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            catalog.Dispose();
            metrics.Dispose();
            throw;
        }
    }

    /// <summary>Until the host stops (SIGTERM, or <paramref name="cancellationToken"/>, which starts a graceful stop).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _catalog.Dispose();
        _metrics.Dispose();
    }

    private static WebApplication Build(ServerOptions options, ModelCatalog catalog, ServerMetrics metrics)
    {
        // Empty, not slim: the gateway is configured by its options alone. A slim host would also read appsettings.json
        // from the working directory (and watch that directory for changes) and filter hosts, on every request.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRoutingCore();
        if (options.LoggerProvider is { } provider) builder.Logging.AddProvider(provider);
        else builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(PerClientLimiter(options), ConcurrencyLimiter(options));
            limiter.OnRejected = OnRejectedAsync;
        });
        builder.Services.AddOpenTelemetry().WithMetrics(meters => meters
            .AddMeter(ServerMetrics.MeterName)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        var endpoint = new ChatCompletionsEndpoint(options, catalog, metrics, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SelfCorrect.Server"));
        app.Use((context, next) => AuthenticateAsync(context, next, options.ClientKeyHashes));
        app.UseRateLimiter();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/v1/models", () => Results.Text(ModelList(catalog).ToJsonString(), "application/json"));
        app.MapPost(ChatPath, endpoint.HandleAsync);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary><c>/v1/models</c>: each served name with its upstream and its default correction.</summary>
    private static JsonObject ModelList(ModelCatalog catalog) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. catalog.Models.Select(model => (JsonNode)new JsonObject
        {
            ["id"] = model.Name,
            ["object"] = "model",
            ["created"] = 0,
            ["owned_by"] = "selfcorrect",
            ["upstream"] = model.Spec.ToString(),
            ["self_correction"] = new JsonObject { ["strategy"] = model.Strategy, ["rounds"] = model.Settings.Rounds, ["candidates"] = model.Settings.Candidates },
        })]),
    };

    /// <summary>Every path but <c>/healthz</c> needs a bearer key whose hash is listed (when any is); the hash then names the client for the rate limit.</summary>
    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next, IReadOnlySet<string> hashes)
    {
        if (hashes.Count == 0 || context.Request.Path == "/healthz")
        {
            await next(context);
            return;
        }
        string header = context.Request.Headers.Authorization.ToString();
        string? key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (key is null || !ClientKeys.Accepts(hashes, key))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var body = ApiException.Body(key is null ? "no API key: send Authorization: Bearer KEY" : "incorrect API key",
                "invalid_request_error", code: "invalid_api_key");
            await JsonBody.WriteAsync(context.Response, body);
            return;
        }
        context.Items[ClientItem] = ClientKeys.Hash(key);
        await next(context);
    }

    /// <summary>A fixed window of <see cref="ServerOptions.RateLimit"/> chat requests per client key (per address without keys).</summary>
    private static PartitionedRateLimiter<HttpContext> PerClientLimiter(ServerOptions options) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            options.RateLimit == 0 || context.Request.Path != ChatPath
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetFixedWindowLimiter(
                    context.Items[ClientItem] as string ?? context.Connection.RemoteIpAddress?.ToString() ?? "",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RateLimit, Window = options.RateLimitWindow, QueueLimit = 0 }));

    /// <summary>At most <see cref="ServerOptions.MaxConcurrentRequests"/> chat requests at once, the next ones queued in arrival order.</summary>
    private static PartitionedRateLimiter<HttpContext> ConcurrencyLimiter(ServerOptions options) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.Request.Path != ChatPath
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetConcurrencyLimiter("chat", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.MaxConcurrentRequests,
                    QueueLimit = options.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));

    /// <summary>The rate limit gives 429 with its Retry-After; a full queue gives 503, to be retried in a second.</summary>
    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        JsonObject body;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            body = ApiException.Body("rate limit reached for this API key; retry after the Retry-After seconds", "rate_limit_error", code: "rate_limit_exceeded");
        }
        else
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = "1";
            body = ApiException.Body("the server is at its concurrency limit and its queue is full; retry shortly", "server_overloaded", code: "server_overloaded");
        }
        await JsonBody.WriteAsync(response, body, cancellationToken);
    }
}
