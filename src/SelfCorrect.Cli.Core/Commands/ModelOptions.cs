using System.CommandLine;
using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Correction;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// The model options every command that talks to a model shares (<c>chat</c>, <c>eval</c>, ...): the model spec,
/// the backend settings and the generation settings. Create one per command, <see cref="AddTo"/> it and
/// <see cref="MapSettings"/> it, then read the parsed values with <see cref="ReadSpec"/>, <see cref="ReadBackendOptions"/>, <see cref="ReadChatOptions"/> or
/// <see cref="CreateClient"/>.
/// </summary>
public sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model")
    {
        Description = "Model spec: gguf:PATH (in-process), openai:MODEL (with --endpoint), ollama:MODEL.",
        Required = true,
    };

    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = $"Server base URL: an OpenAI-compatible server with /v1 (required for openai:), or Ollama (default {ChatBackends.DefaultOllamaEndpoint}).",
    };

    public Option<string> ApiKeyEnv { get; } = new("--api-key-env")
    {
        Description = "Environment variable holding the API key of an openai: server (keys are never taken from arguments).",
        DefaultValueFactory = _ => "OPENAI_API_KEY",
    };

    public Option<PrefillMode> Prefill { get; } = new("--prefill")
    {
        Description = "Assistant prefill (e.g. BBQ's \"The answer is\"): auto (gguf, ollama, and openai: with --server vllm or llamacpp), on (also other openai: servers), off.",
        DefaultValueFactory = _ => PrefillMode.Auto,
    };

    public Option<OpenAIServer> Server { get; } = new("--server")
    {
        Description = "openai: which server it is, which decides how a prefill is sent: vllm (continue_final_message), llamacpp (a trailing assistant message), other (no prefill unless --prefill on).",
        DefaultValueFactory = _ => OpenAIServer.Other,
    };

    public Option<int?> ContextSize { get; } = new("--context-size") { Description = "gguf: context window in tokens (default: the model's, at most 4096)." };

    public Option<int?> Threads { get; } = new("--threads") { Description = "gguf: CPU threads (default: llama.cpp's choice)." };

    public Option<int?> GpuLayers { get; } = new("--gpu-layers")
    {
        Description = "gguf: layers offloaded to the GPU (default: all when a GPU build of llama.cpp is installed, none with the CPU build this program ships).",
    };

    public Option<string> FlashAttention { get; } = new Option<string>("--flash-attention")
    {
        Description = "gguf: llama.cpp's flash attention: auto (llama.cpp's choice), on, off. Off gives batched serving (serve --max-batch) bit-identical logits, so the same answers, as one request at a time.",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "on", "off");

    public Option<string?> ChatTemplate { get; } = new("--chat-template")
    {
        Description = "gguf: a llama.cpp built-in chat template (chatml, llama2, llama3, ...) instead of the model's own; files without one use chatml.",
    };

    public Option<long> Seed { get; } = new("--seed") { Description = "Sampling seed (gguf; sent to servers).", DefaultValueFactory = _ => 0 };

    public Option<float> Temperature { get; } = new("--temperature") { Description = "Sampling temperature (0: greedy; the reference code samples with each model's default settings instead, e.g. Llama-2-chat at 0.6, top-p 0.9).", DefaultValueFactory = _ => 0f };

    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "New tokens per model call.", DefaultValueFactory = _ => 256 };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "HTTP: seconds allowed per attempt.", DefaultValueFactory = _ => 100 };

    public Option<int> MaxRetries { get; } = new("--max-retries") { Description = "HTTP: retries after 408/429/5xx, timeouts and connection failures.", DefaultValueFactory = _ => 3 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Endpoint, ApiKeyEnv, Prefill, Server, ContextSize, Threads, GpuLayers, FlashAttention, ChatTemplate, Seed, Temperature, MaxTokens, Timeout, MaxRetries })
            command.Options.Add(option);
    }

    /// <summary>Declares which of these options sets which backend setting, so library errors name the options (call once per command).</summary>
    public void MapSettings(Command command) => command
        .MapSetting(nameof(ModelSpec), Model)
        .MapSetting(nameof(BackendOptions.Endpoint), Endpoint)
        .MapSetting(nameof(BackendOptions.ApiKeyEnvironmentVariable), ApiKeyEnv)
        .MapSetting(nameof(BackendOptions.Prefill), Prefill)
        .MapSetting(nameof(BackendOptions.Server), Server)
        .MapSetting(nameof(BackendOptions.ContextSize), ContextSize)
        .MapSetting(nameof(BackendOptions.Threads), Threads)
        .MapSetting(nameof(BackendOptions.GpuLayers), GpuLayers)
        .MapSetting(nameof(BackendOptions.FlashAttention), FlashAttention)
        .MapSetting(nameof(BackendOptions.ChatTemplate), ChatTemplate)
        .MapSetting(nameof(BackendOptions.Seed), Seed)
        .MapSetting(nameof(BackendOptions.DefaultMaxOutputTokens), MaxTokens)
        .MapSetting(nameof(BackendOptions.RequestTimeout), Timeout)
        .MapSetting(nameof(BackendOptions.MaxRetries), MaxRetries);

    public ModelSpec ReadSpec(ParseResult parse) => ModelSpec.Parse(parse.GetValue(Model)!);

    /// <summary>The backend settings of the options, validated by <see cref="BackendOptions.Validate"/>.</summary>
    public BackendOptions ReadBackendOptions(ParseResult parse)
    {
        var options = new BackendOptions
        {
            Endpoint = BackendOptions.ParseEndpoint(parse.GetValue(Endpoint)),
            ApiKeyEnvironmentVariable = parse.GetValue(ApiKeyEnv)!,
            Prefill = parse.GetValue(Prefill),
            Server = parse.GetValue(Server),
            ContextSize = parse.GetValue(ContextSize),
            Threads = parse.GetValue(Threads),
            GpuLayers = parse.GetValue(GpuLayers),
            FlashAttention = parse.GetValue(FlashAttention) switch { "on" => true, "off" => false, _ => null },
            ChatTemplate = parse.GetValue(ChatTemplate),
            Seed = parse.GetValue(Seed),
            DefaultMaxOutputTokens = parse.GetValue(MaxTokens),
            RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
            MaxRetries = parse.GetValue(MaxRetries),
        };
        options.Validate();
        // The key itself never reaches the CLI's output or the run's files, wherever a server or a library echoes it.
        Redaction.AddSecret(Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable));
        return options;
    }

    /// <summary>The generation settings of every model call: the temperature, and the backend's token limit and seed.</summary>
    public ChatOptions ReadChatOptions(ParseResult parse)
    {
        var backend = ReadBackendOptions(parse);
        float temperature = parse.GetValue(Temperature);
        if (!(temperature >= 0)) throw new ArgumentException($"--temperature must be ≥ 0 (got {temperature})");
        return new ChatOptions { Temperature = temperature, MaxOutputTokens = backend.DefaultMaxOutputTokens, Seed = backend.Seed };
    }

    /// <summary>The backend named by <c>--model</c>, configured by the other options (dispose it).</summary>
    public IChatClient CreateClient(ParseResult parse) => ChatBackends.Create(ReadSpec(parse), ReadBackendOptions(parse));
}
