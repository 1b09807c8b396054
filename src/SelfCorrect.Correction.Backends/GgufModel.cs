using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// A loaded GGUF file and what both GGUF clients do with it outside a decode: the chat template, tokenizing a
/// conversation, the sampler of a request, and the prompt-token counters.
/// </summary>
internal sealed class GgufModel : IDisposable
{
    private const string FallbackTemplate = "chatml";
    private const float DefaultTemperature = 0.8f;
    private const int MaxDefaultContext = 4096;
    private static readonly string[] FallbackStopSequences = ["<|im_end|>"];
    private static readonly NativeLogConfig.LLamaLogCallback DiscardNativeLog = (_, _) => { };

    private readonly string? _templateName;
    private long _promptTokens, _evaluatedPromptTokens;

    /// <summary>Loads the model at <paramref name="path"/>; failures throw <see cref="ChatBackendException"/> (stage <c>loading</c>).</summary>
    public GgufModel(string path, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Backend = $"gguf:{path}";
        if (!File.Exists(path))
            throw new ChatBackendException(Backend, "loading", $"model file not found: {path}", new FileNotFoundException(path, path));
        // llama.cpp logs every tensor it loads to stderr; failures reach the caller as exceptions instead.
        NativeLogConfig.llama_log_set(DiscardNativeLog);
        Options = options;
        Parameters = new ModelParams(Path.GetFullPath(path))
        {
            // Null asks for every layer on the GPU when the application's native backend can offload, none otherwise.
            GpuLayerCount = options.GpuLayers ?? (NativeApi.llama_supports_gpu_offload() ? int.MaxValue : 0),
            Threads = options.Threads,
            BatchThreads = options.Threads,
            ContextSize = (uint?)options.ContextSize,
            FlashAttention = options.FlashAttention,
        };
        try
        {
            Weights = LLamaWeights.LoadFromFile(Parameters);
        }
        catch (Exception e)
        {
            throw new ChatBackendException(Backend, "loading", e.Message, e);
        }
        Parameters.ContextSize ??= Math.Min(Weights.ContextSize is > 0 and var trained ? (uint)trained : MaxDefaultContext, MaxDefaultContext);
        bool hasOwnTemplate = Weights.NativeHandle.GetTemplate(null, false) is not null;
        _templateName = options.ChatTemplate ?? (hasOwnTemplate ? null : FallbackTemplate);
        TemplateStops = _templateName == FallbackTemplate ? FallbackStopSequences : [];
        TemplateDescription = options.ChatTemplate is { } chosen ? $"{chosen} (chosen)"
            : hasOwnTemplate ? "the model's own" : $"{FallbackTemplate} (fallback: the model has none)";
        Metadata = new ChatClientMetadata("gguf", new Uri(Parameters.ModelPath), Path.GetFileName(path));
    }

    public string Backend { get; }

    public BackendOptions Options { get; }

    /// <summary>The parameters of one conversation's context (<see cref="ModelParams.ContextSize"/> set).</summary>
    public ModelParams Parameters { get; }

    public LLamaWeights Weights { get; }

    public string TemplateDescription { get; }

    /// <summary>Stop sequences the template needs (the fallback template's end-of-turn marker).</summary>
    public string[] TemplateStops { get; }

    public ChatClientMetadata Metadata { get; }

    /// <summary>Tokens one conversation may hold.</summary>
    public int ContextSize => (int)Parameters.ContextSize!.Value;

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    public long EvaluatedPromptTokens => Interlocked.Read(ref _evaluatedPromptTokens);

    /// <summary>The conversation rendered in the chat template and tokenized; one that does not fit the context throws.</summary>
    public LLamaToken[] Prompt(IEnumerable<ChatMessage> messages)
    {
        List<ChatMessage> conversation = [.. messages];
        if (conversation.Count == 0) throw new ArgumentException("a chat request needs at least one message", nameof(messages));
        LLamaToken[] prompt = Tokenize(Render(conversation));
        if (prompt.Length >= ContextSize)
            throw new ChatBackendException(Backend, "the request", $"the prompt has {prompt.Length} tokens but the context holds {ContextSize} (raise the context size)");
        return prompt;
    }

    /// <summary>Counts a prompt of which <paramref name="reused"/> tokens came from the KV cache.</summary>
    public void CountPrompt(int length, int reused)
    {
        Interlocked.Add(ref _promptTokens, length);
        Interlocked.Add(ref _evaluatedPromptTokens, length - reused);
    }

    /// <summary>How many leading prompt tokens a sequence holding <paramref name="cached"/> can keep; the last prompt token is always evaluated, as its logits start the generation.</summary>
    public int ReusablePrefix(List<LLamaToken> cached, LLamaToken[] prompt) =>
        Options.ReuseKvCache ? Math.Min(CommonPrefix(cached, prompt), prompt.Length - 1) : 0;

    public static int CommonPrefix(List<LLamaToken> cached, LLamaToken[] prompt)
    {
        int n = Math.Min(cached.Count, prompt.Length), i = 0;
        while (i < n && cached[i] == prompt[i]) i++;
        return i;
    }

    /// <summary>
    /// Null for temperature 0 (greedy: the most likely token, which is what the default chain ends with at that
    /// temperature, without filtering the whole vocabulary first); otherwise llama.cpp's default chain seeded by the
    /// request's seed or <see cref="BackendOptions.Seed"/>.
    /// </summary>
    public BaseSamplingPipeline? CreateSampler(ChatOptions? options)
    {
        float temperature = options?.Temperature ?? DefaultTemperature;
        if (temperature <= 0) return null;
        var defaults = new DefaultSamplingPipeline();
        return new DefaultSamplingPipeline
        {
            Temperature = temperature,
            TopP = options?.TopP ?? defaults.TopP,
            TopK = options?.TopK ?? defaults.TopK,
            Seed = unchecked((uint)(options?.Seed ?? Options.Seed)),
        };
    }

    /// <summary>The client's <see cref="ChatClientMetadata"/>, <see cref="AssistantPrefillSupport"/> (unless <see cref="PrefillMode.Off"/>), or <paramref name="client"/> itself.</summary>
    public object? GetService(IChatClient client, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return Metadata;
        if (serviceType == typeof(AssistantPrefillSupport)) return Options.Prefill == PrefillMode.Off ? null : AssistantPrefillSupport.Instance;
        return serviceType.IsInstanceOfType(client) ? client : null;
    }

    public void Dispose() => Weights.Dispose();

    /// <summary>The conversation in the chat template; a trailing assistant message is left open for the model to continue.</summary>
    private string Render(List<ChatMessage> conversation)
    {
        bool continuing = conversation[^1].Role == ChatRole.Assistant;
        try
        {
            var template = _templateName is null ? new LLamaTemplate(Weights, strict: true) : new LLamaTemplate(_templateName);
            template.AddAssistant = true;
            foreach (var message in continuing ? conversation[..^1] : conversation) template.Add(message.Role.Value, message.Text);
            string rendered = Encoding.UTF8.GetString(template.Apply());
            return continuing ? rendered + conversation[^1].Text : rendered;
        }
        catch (Exception e) when (e is not ChatBackendException)
        {
            throw new ChatBackendException(Backend, "applying the chat template",
                $"{e.Message} (name a llama.cpp built-in template such as chatml with the chat-template option)", e);
        }
    }

    private LLamaToken[] Tokenize(string prompt)
    {
        var vocab = Weights.Vocab;
        LLamaToken[] tokens = Weights.Tokenize(prompt, vocab.ShouldAddBOS, special: true, Encoding.UTF8);
        // Templates that write the BOS marker themselves would otherwise start with two of them.
        return tokens.Length >= 2 && vocab.BOS is { } bos && tokens[0] == bos && tokens[1] == bos ? tokens[1..] : tokens;
    }
}
