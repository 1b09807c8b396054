using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using SelfCorrect.Common;
using SelfCorrect.Correction;

namespace SelfCorrect.Server;

/// <summary>
/// <c>POST /v1/chat/completions</c>: picks the model and its correction (the alias's default, then the header
/// <c>X-SelfCorrect-Strategy</c>, then the body's <c>self_correction</c>), runs the request through the strategy over the
/// shared upstream, and answers in JSON or SSE with the trace attached. The client's disconnect cancels its upstream
/// calls (<see cref="HttpContext.RequestAborted"/>).
/// </summary>
public sealed class ChatCompletionsEndpoint(ServerOptions options, ModelCatalog catalog, ServerMetrics metrics, ILogger logger)
{
    public const string StrategyHeader = "X-SelfCorrect-Strategy";

    public async Task HandleAsync(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        var aborted = context.RequestAborted;
        string modelName = "-", strategyName = "-";
        string? errorType = null;
        metrics.RequestStarted();
        ServedModel? model = null;
        try
        {
            ChatCompletionRequest request;
            using (var body = await ReadBodyAsync(context.Request, aborted))
                request = ChatCompletionRequest.Parse(body.RootElement, options.DefaultChatOptions);
            model = catalog.Find(request.Model)
                    ?? throw ApiException.InvalidRequest($"unknown model '{request.Model}' (served: {string.Join(", ", catalog.Models.Select(m => m.Name))})", "model", "model_not_found");
            modelName = model.Name;
            strategyName = request.Strategy ?? Header(context.Request, StrategyHeader) ?? model.Strategy;
            var strategy = CreateStrategy(model, strategyName, request);
            if (options.LogPrompts)
                ServerLog.Prompt(logger, context.TraceIdentifier, request.Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text);

            string served = modelName, used = strategyName;
            var calls = new UpstreamCallMetrics(model.Upstream, (latency, usage) => metrics.StageCompleted(served, used, latency, usage));
            var client = calls.AsBuilder().UseStrategy(strategy).Build();
            var trace = new TraceWriter(options.Trace, strategy.Name);
            var json = new CompletionJson(model.Name);
            if (request.Stream) await StreamAsync(context, client, request, json, trace, clock, aborted);
            else await RespondAsync(context, client, request, json, trace, clock, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left; its upstream calls were cancelled with it.
            errorType = "client_disconnected";
            context.Response.StatusCode = 499;
        }
        catch (Exception e) when (ToApiException(e, model) is { } error)
        {
            errorType = error.Type;
            await WriteErrorAsync(context, error, aborted);
        }
        finally
        {
            metrics.RequestEnded(modelName, strategyName, context.Response.StatusCode, errorType);
            ServerLog.RequestServed(logger, context.TraceIdentifier, modelName, strategyName, context.Response.StatusCode, clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>The body as a document in pooled memory (dispose it); what a request needs is copied out by <see cref="ChatCompletionRequest.Parse"/>.</summary>
    private static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw ApiException.InvalidRequest($"the body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, "invalid_request_error", "the request body is larger than the server accepts", code: "request_too_large");
        }
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The strategy from the registry with the request's rounds and candidates; an unknown name or a bad value is a 400 naming the body field.</summary>
    private static ICorrectionStrategy CreateStrategy(ServedModel model, string name, ChatCompletionRequest request)
    {
        try
        {
            return CorrectionStrategies.Create(name, model.Settings with
            {
                Rounds = request.Rounds ?? model.Settings.Rounds,
                Candidates = request.Candidates ?? model.Settings.Candidates,
            });
        }
        catch (ArgumentException argument) when (InvalidSettingException.From(argument) is { } e)
        {
            string param = "self_correction." + StrictYaml.KeyOf(e.Setting);
            throw ApiException.InvalidRequest(e.Describe(setting => "self_correction." + StrictYaml.KeyOf(setting)), param,
                e.Setting == StrategyRegistry.StrategySetting ? "unknown_strategy" : "invalid_value");
        }
    }

    private async Task RespondAsync(HttpContext context, IChatClient client, ChatCompletionRequest request, CompletionJson json,
        TraceWriter trace, Stopwatch clock, CancellationToken aborted)
    {
        var response = await client.GetResponseAsync(request.Messages, request.Options, aborted);
        trace.Observe(response);
        var selfCorrection = trace.Property(response.Text, response.FinishReason, response.Usage, clock.Elapsed);
        await JsonBody.WriteAsync(context.Response, writer => json.WriteCompletion(writer, response.Text, response.FinishReason, response.Usage, selfCorrection), aborted);
    }

    /// <summary>
    /// Streams the answer: while the stages before it run, an SSE comment every <see cref="ServerOptions.KeepAliveInterval"/>;
    /// then a chunk per update, the finish chunk, the usage chunk when asked for, and <c>[DONE]</c>. The trace rides on
    /// the last chunk before <c>[DONE]</c>. A failure after the first event is sent as an error event.
    /// </summary>
    private async Task StreamAsync(HttpContext context, IChatClient client, ChatCompletionRequest request, CompletionJson json,
        TraceWriter trace, Stopwatch clock, CancellationToken aborted)
    {
        var sse = new SseWriter(context.Response, aborted);
        var text = new System.Text.StringBuilder();
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        bool roleSent = false;
        await using var updates = client.GetStreamingResponseAsync(request.Messages, request.Options, aborted).GetAsyncEnumerator(aborted);
        Task<bool> moved = updates.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await moved.WaitAsync(options.KeepAliveInterval, aborted);
                }
                catch (TimeoutException)
                {
                    await sse.CommentAsync("keep-alive");
                    continue;
                }
                if (!more) break;
                var update = updates.Current;
                trace.Observe(update);
                finish = update.FinishReason ?? finish;
                foreach (var content in update.Contents)
                    if (content is UsageContent counted) (usage ??= new UsageDetails()).Add(counted.Details);
                string piece = update.Text;
                if (piece.Length > 0 || !roleSent)
                {
                    bool withRole = !roleSent;
                    roleSent = true;
                    await sse.DataAsync(writer => json.WriteChunk(writer, piece, withRole, finish: null, request.IncludeUsage));
                    text.Append(piece);
                }
                moved = updates.MoveNextAsync().AsTask();
            }
        }
        catch (Exception e) when (sse.Started && !aborted.IsCancellationRequested && ToApiException(e, null) is { } error)
        {
            // The status line is gone: OpenAI clients read an error event in the stream as the failure.
            await sse.DataAsync(writer => error.ToJson().WriteTo(writer));
            throw new StreamFailedException(error);
        }
        finally
        {
            // The enumerator cannot be disposed while a move is pending (the client left during a stage).
            if (!moved.IsCompleted) await Task.WhenAny(moved);
        }
        var selfCorrection = trace.Property(text.ToString(), finish, usage, clock.Elapsed);
        var finishReason = finish ?? ChatFinishReason.Stop;
        if (request.IncludeUsage)
        {
            await sse.DataAsync(writer => json.WriteChunk(writer, content: null, withRole: false, finishReason, includeUsage: true));
            await sse.DataAsync(writer => json.WriteUsageChunk(writer, usage, selfCorrection));
        }
        else
        {
            await sse.DataAsync(writer => json.WriteChunk(writer, content: null, withRole: false, finishReason, includeUsage: false, selfCorrection));
        }
        await sse.DoneAsync();
    }

    /// <summary>
    /// What the client is told: request errors as they are, a conversation the strategy refuses as 400; upstream failures
    /// as 502, or 504 when the upstream did not answer in time; anything else as a 500 without details. Messages never carry the upstream's key.
    /// </summary>
    private ApiException? ToApiException(Exception e, ServedModel? model)
    {
        switch (e)
        {
            case ApiException api:
                return api;
            case StreamFailedException streamed:
                return streamed.Error;
            case ArgumentException rejected:
                // The strategy refused the conversation (e.g. Checking-as-Context without a user message to re-ask).
                return ApiException.InvalidRequest(rejected.Message, rejected.ParamName);
            case ChatBackendException backend:
                string message = model?.Redact(backend.Message) ?? catalog.Models.Aggregate(backend.Message, (m, served) => served.Redact(m));
                bool timeout = backend.Detail.StartsWith("no response within", StringComparison.Ordinal)
                               || Find<TimeoutException>(backend) is not null || Find<Polly.Timeout.TimeoutRejectedException>(backend) is not null;
                return timeout ? new ApiException(504, "upstream_timeout", message, code: "upstream_timeout")
                               : new ApiException(502, "upstream_error", message, code: "upstream_error");
            default:
                ServerLog.UnexpectedFailure(logger, e);
                return new ApiException(500, "server_error", "the server failed while handling the request");
        }
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (current is T match) return match;
        return null;
    }

    private static async Task WriteErrorAsync(HttpContext context, ApiException error, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = error.Status;
        await JsonBody.WriteAsync(context.Response, error.ToJson(), cancellationToken);
    }

    /// <summary>An error already sent as an event in the stream; only counted and logged after that.</summary>
    private sealed class StreamFailedException(ApiException error) : Exception(error.Message)
    {
        public ApiException Error { get; } = error;
    }
}
