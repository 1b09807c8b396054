using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Correction;

namespace SelfCorrect.Server;

/// <summary>Everything <see cref="SelfCorrectServer"/> needs: where to listen, the models it serves, and its safety limits.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to bind; loopback unless the operator says otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port (0: any free port, as tests use).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The default upstream model, served under <see cref="ModelName"/>; null when only <see cref="ConfigFile"/> aliases are served.</summary>
    public ModelSpec? Model { get; init; }

    /// <summary>The name the default model answers to in requests and in <c>/v1/models</c>.</summary>
    public string ModelName { get; init; } = "selfcorrect";

    /// <summary>Backend settings of the default model; aliases start from them.</summary>
    public BackendOptions Backend { get; init; } = new();

    /// <summary>Generation settings a request's own fields override (temperature, max tokens, seed).</summary>
    public ChatOptions? DefaultChatOptions { get; init; }

    /// <summary>The default model's strategy and its settings (rounds, protocol, prompts).</summary>
    public string Strategy { get; init; } = "cac";

    public StrategySettings StrategySettings { get; init; } = new();

    /// <summary>YAML file of model aliases (<see cref="ServerConfig"/>).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Reads an alias's <c>presets</c> file; the program that hosts the server owns the presets-file format.</summary>
    public Func<string, PromptPresets>? PresetsLoader { get; init; }

    public TraceDetail Trace { get; init; } = TraceDetail.Summary;

    /// <summary>SHA-256 hashes (lower-case hex) of the accepted client keys; empty: no key is asked for.</summary>
    public IReadOnlySet<string> ClientKeyHashes { get; init; } = new HashSet<string>();

    /// <summary>Log the last user message of each request (off: prompts never reach a log).</summary>
    public bool LogPrompts { get; init; }

    public long MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>Requests per client key (or per address without keys) in each <see cref="RateLimitWindow"/>; 0: unlimited.</summary>
    public int RateLimit { get; init; }

    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Chat requests served at once; more wait in a queue of <see cref="QueueLimit"/>, beyond which they get 503.</summary>
    public int MaxConcurrentRequests { get; init; } = 256;

    public int QueueLimit { get; init; } = 1024;

    /// <summary>How often an SSE comment is sent while the stages before the streamed answer run.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stop waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the server logs (null: the console, one line per entry).</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LoggerProvider { get; init; }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the offending setting.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new InvalidSettingException(nameof(Port), $"must be between 0 and 65535 (got {Port})");
        if (Model is null && ConfigFile is null) throw new InvalidSettingException(nameof(Model), "is required unless {ConfigFile} names the models to serve");
        if (string.IsNullOrWhiteSpace(ModelName)) throw new InvalidSettingException(nameof(ModelName), "must not be empty");
        if (MaxRequestBodyBytes < 1024) throw new InvalidSettingException(nameof(MaxRequestBodyBytes), $"must be ≥ 1024 (got {MaxRequestBodyBytes})");
        if (RateLimit < 0) throw new InvalidSettingException(nameof(RateLimit), $"must be ≥ 0 (got {RateLimit})");
        if (RateLimitWindow <= TimeSpan.Zero) throw new InvalidSettingException(nameof(RateLimitWindow), "must be > 0");
        if (MaxConcurrentRequests < 1) throw new InvalidSettingException(nameof(MaxConcurrentRequests), $"must be ≥ 1 (got {MaxConcurrentRequests})");
        if (QueueLimit < 0) throw new InvalidSettingException(nameof(QueueLimit), $"must be ≥ 0 (got {QueueLimit})");
        if (KeepAliveInterval <= TimeSpan.Zero) throw new InvalidSettingException(nameof(KeepAliveInterval), "must be > 0");
        if (ShutdownTimeout < TimeSpan.Zero) throw new InvalidSettingException(nameof(ShutdownTimeout), "must be ≥ 0");
        Backend.Validate();
    }
}
