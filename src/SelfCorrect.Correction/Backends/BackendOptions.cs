using SelfCorrect.Common;

namespace SelfCorrect.Correction;

/// <summary>Settings shared by all backends; each backend reads the ones that apply to it.</summary>
public sealed record BackendOptions
{
    /// <summary>Server base URL (with <c>/v1</c> for OpenAI-compatible servers). Required for openai:, default http://localhost:11434 for ollama:.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Environment variable holding the API key (the key is never taken from a command-line argument).</summary>
    public string ApiKeyEnvironmentVariable { get; init; } = "OPENAI_API_KEY";

    /// <summary>GGUF: context window in tokens (null: the model's training context, capped at 4096).</summary>
    public int? ContextSize { get; init; }

    /// <summary>GGUF: CPU threads (null: llama.cpp's choice).</summary>
    public int? Threads { get; init; }

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

    /// <summary>HTTP: time allowed for one attempt (the response headers, or a non-streamed response).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>HTTP: retries after a 408/429/5xx response, a timeout or a connection failure (other 4xx are not retried).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>HTTP: delay before the first retry; doubled each retry, with jitter (a server's Retry-After wins).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The endpoint a user wrote (null: none). Anything but an absolute http(s) URL throws
    /// <see cref="InvalidSettingException"/> naming <see cref="Endpoint"/>, as <see cref="Validate"/> does.
    /// </summary>
    public static Uri? ParseEndpoint(string? url) =>
        url is null ? null
        : Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsHttp(uri) ? uri
        : throw NotAnEndpoint(url);

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the offending setting.</summary>
    public void Validate()
    {
        if (ContextSize is < 16) throw new InvalidSettingException(nameof(ContextSize), $"must be ≥ 16 (got {ContextSize})");
        if (Threads is < 1) throw new InvalidSettingException(nameof(Threads), $"must be ≥ 1 (got {Threads})");
        if (DefaultMaxOutputTokens < 1) throw new InvalidSettingException(nameof(DefaultMaxOutputTokens), $"must be ≥ 1 (got {DefaultMaxOutputTokens})");
        if (MaxParallelRequests < 1) throw new InvalidSettingException(nameof(MaxParallelRequests), $"must be ≥ 1 (got {MaxParallelRequests})");
        if (RequestTimeout <= TimeSpan.Zero) throw new InvalidSettingException(nameof(RequestTimeout), $"must be > 0 (got {RequestTimeout.TotalSeconds:0.###} s)");
        if (MaxRetries < 0) throw new InvalidSettingException(nameof(MaxRetries), $"must be ≥ 0 (got {MaxRetries})");
        if (RetryDelay < TimeSpan.Zero) throw new InvalidSettingException(nameof(RetryDelay), $"must be ≥ 0 (got {RetryDelay.TotalSeconds:0.###} s)");
        if (string.IsNullOrWhiteSpace(ApiKeyEnvironmentVariable)) throw new InvalidSettingException(nameof(ApiKeyEnvironmentVariable), "must not be empty");
        if (Endpoint is { } endpoint && !IsHttp(endpoint)) throw NotAnEndpoint(endpoint.OriginalString);
    }

    private static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && uri.Scheme is "http" or "https";

    private static InvalidSettingException NotAnEndpoint(string url) => new(nameof(Endpoint), $"'{url}' is not an absolute http(s) URL");
}
