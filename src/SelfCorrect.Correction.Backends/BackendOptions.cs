namespace SelfCorrect.Correction;

/// <summary>Settings shared by all backends; each backend reads the ones that apply to it.</summary>
public sealed record BackendOptions
{
    /// <summary>The largest <see cref="MaxBatch"/>: llama.cpp's limit on sequences in one context.</summary>
    public const int MaxBatchLimit = 256;

    /// <summary>Server base URL (with <c>/v1</c> for OpenAI-compatible servers). Required for openai:, default http://localhost:11434 for ollama:.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Environment variable holding the API key (the key is never taken from a command-line argument).</summary>
    public string ApiKeyEnvironmentVariable { get; init; } = "OPENAI_API_KEY";

    /// <summary>GGUF: context window in tokens (null: the model's training context, capped at 4096).</summary>
    public int? ContextSize { get; init; }

    /// <summary>GGUF: CPU threads (null: llama.cpp's choice).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// GGUF: layers offloaded to the GPU (0: none). Null: every layer when the application's LLamaSharp native
    /// backend can offload (a CUDA, Vulkan or Metal backend package), none with the CPU backend.
    /// </summary>
    public int? GpuLayers { get; init; }

    /// <summary>
    /// GGUF: llama.cpp's flash attention (null: llama.cpp's choice, on wherever the backend has it). Its CPU kernel adds
    /// up a token's attention in an order that depends on what else the decode holds, so a request's logits differ in
    /// the last bits between a batch and a decode of its own; false makes <see cref="BatchedGgufChatClient"/> give
    /// bit-identical logits, so the same answers, as <see cref="GgufChatClient"/>.
    /// </summary>
    public bool? FlashAttention { get; init; }

    /// <summary>Sampling seed when a request sets none (GGUF; sent to HTTP servers that accept one).</summary>
    public long Seed { get; init; }

    /// <summary>GGUF: new tokens when a request sets no maximum.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 256;

    /// <summary>GGUF: a llama.cpp built-in template name (chatml, llama2, llama3, ...) used instead of the model's own.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>GGUF: keep each conversation's evaluated tokens in its context and evaluate only the new suffix.</summary>
    public bool ReuseKvCache { get; init; } = true;

    /// <summary>GGUF: requests generated at the same time, each with a context of its own (1: requests are serialised).</summary>
    public int MaxParallelRequests { get; init; } = 1;

    /// <summary>
    /// GGUF: requests decoded together, each in a llama.cpp sequence of its own with <see cref="ContextSize"/> tokens
    /// (<see cref="BatchedGgufChatClient"/>); 1: no batching, <see cref="MaxParallelRequests"/> contexts instead (<see cref="GgufChatClient"/>).
    /// </summary>
    public int MaxBatch { get; init; } = 1;

    /// <summary>HTTP: time allowed for one attempt (the response headers, or a non-streamed response).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>HTTP: retries after a 408/429/5xx response, a timeout or a connection failure (other 4xx are not retried).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>HTTP: delay before the first retry; doubled each retry, with jitter (a server's Retry-After wins).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether the backend continues a trailing assistant message (the prefill); see <see cref="ChatBackends.ContinuesAssistant"/>.</summary>
    public PrefillMode Prefill { get; init; } = PrefillMode.Auto;

    /// <summary>openai: which server it is (decides how a prefill is sent, and whether <see cref="PrefillMode.Auto"/> prefills).</summary>
    public OpenAIServer Server { get; init; } = OpenAIServer.Other;

    /// <summary>
    /// The endpoint a user wrote (null: none). Anything but an absolute http(s) URL throws
    /// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is <see cref="Endpoint"/>, as <see cref="Validate"/> does.
    /// </summary>
    public static Uri? ParseEndpoint(string? url) =>
        url is null ? null
        : Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsHttp(uri) ? uri
        : throw NotAnEndpoint(url);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) whose
    /// <see cref="ArgumentException.ParamName"/> is the offending property's name.
    /// </summary>
    public void Validate()
    {
        if (ContextSize is < 16) throw new ArgumentOutOfRangeException(nameof(ContextSize), $"must be ≥ 16 (got {ContextSize})");
        if (GpuLayers is < 0) throw new ArgumentOutOfRangeException(nameof(GpuLayers), $"must be ≥ 0 (got {GpuLayers})");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), $"must be ≥ 1 (got {Threads})");
        if (DefaultMaxOutputTokens < 1) throw new ArgumentOutOfRangeException(nameof(DefaultMaxOutputTokens), $"must be ≥ 1 (got {DefaultMaxOutputTokens})");
        if (MaxParallelRequests < 1) throw new ArgumentOutOfRangeException(nameof(MaxParallelRequests), $"must be ≥ 1 (got {MaxParallelRequests})");
        if (MaxBatch is < 1 or > MaxBatchLimit) throw new ArgumentOutOfRangeException(nameof(MaxBatch), $"must be between 1 and {MaxBatchLimit} (got {MaxBatch})");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), $"must be > 0 (got {RequestTimeout.TotalSeconds:0.###} s)");
        if (MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(MaxRetries), $"must be ≥ 0 (got {MaxRetries})");
        if (RetryDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RetryDelay), $"must be ≥ 0 (got {RetryDelay.TotalSeconds:0.###} s)");
        if (string.IsNullOrWhiteSpace(ApiKeyEnvironmentVariable)) throw new ArgumentException("must not be empty", nameof(ApiKeyEnvironmentVariable));
        if (Endpoint is { } endpoint && !IsHttp(endpoint)) throw NotAnEndpoint(endpoint.OriginalString);
    }

    private static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && uri.Scheme is "http" or "https";

    private static ArgumentException NotAnEndpoint(string url) => new($"'{url}' is not an absolute http(s) URL", nameof(Endpoint));
}
