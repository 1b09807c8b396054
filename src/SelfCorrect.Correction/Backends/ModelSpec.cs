namespace SelfCorrect.Correction;

/// <summary>Where a model comes from.</summary>
public enum BackendKind
{
    /// <summary>A GGUF file run in-process by LLamaSharp (llama.cpp, CPU).</summary>
    Gguf,
    /// <summary>An OpenAI-compatible chat-completions server (vLLM, llama.cpp server, LM Studio, OpenAI, ...).</summary>
    OpenAI,
    /// <summary>An Ollama server.</summary>
    Ollama,
}

/// <summary>The model-spec syntax every command takes: <c>gguf:PATH</c>, <c>openai:MODEL</c>, <c>ollama:MODEL</c>.</summary>
public sealed record ModelSpec(BackendKind Kind, string Target)
{
    private static readonly (string Prefix, BackendKind Kind)[] Prefixes =
        [("gguf:", BackendKind.Gguf), ("openai:", BackendKind.OpenAI), ("ollama:", BackendKind.Ollama)];

    /// <summary>Parses a spec; anything else throws <see cref="FormatException"/> naming <c>--model</c>.</summary>
    public static ModelSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var (prefix, kind) in Prefixes)
        {
            if (!spec.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            string target = spec[prefix.Length..].Trim();
            if (target.Length == 0) throw new FormatException($"--model: '{spec}' names no {(kind == BackendKind.Gguf ? "file" : "model")} after '{prefix}'");
            return new ModelSpec(kind, target);
        }
        throw new FormatException($"--model: '{spec}' is not a model spec (expected gguf:PATH, openai:MODEL or ollama:MODEL)");
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Target}";
}

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

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending option.</summary>
    public void Validate()
    {
        if (ContextSize is < 16) throw new ArgumentException($"--context-size must be ≥ 16 (got {ContextSize})");
        if (Threads is < 1) throw new ArgumentException($"--threads must be ≥ 1 (got {Threads})");
        if (DefaultMaxOutputTokens < 1) throw new ArgumentException($"--max-tokens must be ≥ 1 (got {DefaultMaxOutputTokens})");
        if (MaxParallelRequests < 1) throw new ArgumentException($"parallel requests must be ≥ 1 (got {MaxParallelRequests})");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException($"--timeout must be > 0 (got {RequestTimeout})");
        if (MaxRetries < 0) throw new ArgumentException($"--max-retries must be ≥ 0 (got {MaxRetries})");
        if (RetryDelay < TimeSpan.Zero) throw new ArgumentException($"the retry delay must be ≥ 0 (got {RetryDelay})");
        if (string.IsNullOrWhiteSpace(ApiKeyEnvironmentVariable)) throw new ArgumentException("--api-key-env is empty");
        if (Endpoint is { IsAbsoluteUri: false } || Endpoint is { Scheme: not ("http" or "https") })
            throw new ArgumentException($"--endpoint must be an absolute http(s) URL (got '{Endpoint}')");
    }
}
