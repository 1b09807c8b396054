using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Http.Resilience;
using OllamaSharp;
using OpenAI;
using Polly;
using Polly.Timeout;

namespace SelfCorrect.Correction;

/// <summary>
/// The one factory of chat backends: <c>gguf:PATH</c> (in-process, <see cref="GgufChatClient"/>), <c>openai:MODEL</c>
/// (an OpenAI-compatible server at <see cref="BackendOptions.Endpoint"/>, through Microsoft.Extensions.AI.OpenAI) and
/// <c>ollama:MODEL</c> (through OllamaSharp). HTTP backends share one resilience pipeline (retries with exponential
/// backoff on 408/429/5xx, timeouts and connection failures; no retry on other 4xx; a timeout per attempt). Invalid
/// settings throw an <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> names the setting; every other failure, at creation or in a
/// request, surfaces as a <see cref="ChatBackendException"/> naming the backend and stage.
/// The returned client owns what it created: dispose it.
/// </summary>
public static class ChatBackends
{
    /// <summary>Where <c>ollama:</c> models are served when <see cref="BackendOptions.Endpoint"/> is not set.</summary>
    public const string DefaultOllamaEndpoint = "http://localhost:11434";

    /// <summary>The backend <paramref name="spec"/> names, configured by <paramref name="options"/> (validated first); dispose it.</summary>
    /// <param name="spec">The model: <c>gguf:PATH</c>, <c>openai:MODEL</c> or <c>ollama:MODEL</c>.</param>
    /// <param name="options">The backend settings; each backend reads those that apply to it.</param>
    /// <returns>The chat client, owning what it created.</returns>
    public static IChatClient Create(ModelSpec spec, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return spec.Kind switch
        {
            BackendKind.Gguf when options.MaxBatch > 1 => new BatchedGgufChatClient(spec.Target, options),
            BackendKind.Gguf => new GgufChatClient(spec.Target, options),
            BackendKind.OpenAI => CreateOpenAI(spec, options),
            BackendKind.Ollama => CreateOllama(spec, options),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
    }

    /// <summary>The backend in words for messages: the spec, and the endpoint for HTTP backends.</summary>
    /// <param name="spec">The model.</param>
    /// <param name="options">The backend settings (for the endpoint).</param>
    public static string Describe(ModelSpec spec, BackendOptions options) => spec.Kind switch
    {
        BackendKind.Gguf => spec.ToString(),
        BackendKind.Ollama => $"{spec} at {options.Endpoint ?? new Uri(DefaultOllamaEndpoint)}",
        _ => options.Endpoint is { } endpoint ? $"{spec} at {endpoint}" : spec.ToString(),
    };

    /// <summary>
    /// Whether the backend continues a trailing assistant message, so that a prefill reaches the model: never with
    /// <see cref="PrefillMode.Off"/>; always with <see cref="PrefillMode.On"/>; with <see cref="PrefillMode.Auto"/>, for
    /// gguf and ollama, and for openai when <see cref="BackendOptions.Server"/> names vLLM or llama.cpp server.
    /// </summary>
    /// <param name="spec">The model.</param>
    /// <param name="options">The backend settings (<see cref="BackendOptions.Prefill"/>, <see cref="BackendOptions.Server"/>).</param>
    public static bool ContinuesAssistant(ModelSpec spec, BackendOptions options) => options.Prefill switch
    {
        PrefillMode.Off => false,
        PrefillMode.On => true,
        _ => spec.Kind != BackendKind.OpenAI || options.Server != OpenAIServer.Other,
    };

    private static IChatClient CreateOpenAI(ModelSpec spec, BackendOptions options)
    {
        string backend = Describe(spec, options);
        if (options.Endpoint is not { } endpoint)
            throw new ArgumentException("is required for openai: models (the server's base URL with /v1)", nameof(BackendOptions.Endpoint));
        string? key = Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable);
        if (string.IsNullOrEmpty(key))
            throw new ChatBackendException(backend, "configuration",
                $"environment variable {options.ApiKeyEnvironmentVariable} is not set (the API key is read only from the environment; set any value for servers without keys)");
        var http = CreateHttpClient(options, endpoint);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            Transport = new HttpClientPipelineTransport(http),
            // Retries and timeouts live in the HttpClient's resilience pipeline; the SDK's own would multiply them.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            // Failures are reported by BackendChatClient; the SDK's per-call message logging would only cost time on
            // every call (and is one place fewer where request headers could be written).
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
        };
        var chat = new OpenAI.Chat.ChatClient(spec.Target, new ApiKeyCredential(key), clientOptions).AsIChatClient();
        bool prefill = ContinuesAssistant(spec, options);
        if (prefill && options.Server == OpenAIServer.Vllm) chat = new VllmContinuationChatClient(chat);
        return new BackendChatClient(chat, backend, http, options, prefill);
    }

    private static IChatClient CreateOllama(ModelSpec spec, BackendOptions options)
    {
        var endpoint = options.Endpoint ?? new Uri(DefaultOllamaEndpoint);
        var http = CreateHttpClient(options, endpoint);
        return new BackendChatClient(new OllamaApiClient(http, spec.Target), Describe(spec, options), http, options, ContinuesAssistant(spec, options));
    }

    /// <summary>An HttpClient whose handler retries transient failures with backoff and limits each attempt's time.</summary>
    internal static HttpClient CreateHttpClient(BackendOptions options, Uri endpoint)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            // The default predicate handles 408, 429, 5xx, HttpRequestException and per-attempt timeouts: exactly the transient set.
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
            });
        }
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.RequestTimeout });
        var handler = new ResilienceHandler(pipeline.Build()) { InnerHandler = new SocketsHttpHandler() };
        return new HttpClient(handler) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Turns an HTTP backend's failures into <see cref="ChatBackendException"/>, owns its HttpClient, and offers
    /// <see cref="AssistantPrefillSupport"/> when the server continues a trailing assistant message.
    /// </summary>
    private sealed class BackendChatClient(IChatClient inner, string backend, HttpClient httpClient, BackendOptions options, bool continuesAssistant)
        : DelegatingChatClient(inner)
    {
        private const string Stage = "the request";

        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(AssistantPrefillSupport)
                ? (continuesAssistant && serviceKey is null ? AssistantPrefillSupport.Instance : null)
                : base.GetService(serviceType, serviceKey);

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw Translate(e);
            }
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
            ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync()) yield break;
                }
                catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    throw Translate(e);
                }
                yield return updates.Current;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) httpClient.Dispose();
            base.Dispose(disposing);
        }

        private ChatBackendException Translate(Exception e)
        {
            string attempts = options.MaxRetries > 0 ? $" after {options.MaxRetries + 1} attempts" : "";
            var request = Find<HttpRequestException>(e);
            string detail = e switch
            {
                ChatBackendException known => known.Detail,
                _ when Find<TimeoutRejectedException>(e) is not null => $"no response within {options.RequestTimeout.TotalSeconds:0.###} s{attempts}",
                ClientResultException { Status: > 0 } result => $"HTTP {result.Status} {(HttpStatusCode)result.Status}: {OneLine(result.Message)}",
                _ when request is { StatusCode: { } status } => $"HTTP {(int)status} {status}: {OneLine(request.Message)}",
                _ when request is not null => $"cannot reach {httpClient.BaseAddress}{attempts}: {OneLine(request.Message)}",
                _ => OneLine(e.Message),
            };
            return new ChatBackendException(backend, Stage, detail, e);
        }

        private static T? Find<T>(Exception e) where T : Exception
        {
            for (Exception? current = e; current is not null; current = current.InnerException)
                if (current is T match) return match;
            return null;
        }

        private static string OneLine(string message) =>
            string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
