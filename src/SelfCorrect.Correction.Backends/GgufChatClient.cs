using System.Runtime.CompilerServices;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// A GGUF model run in-process by LLamaSharp 0.30 (llama.cpp), as an <see cref="IChatClient"/>. The native backend is
/// the application's choice (a package such as LLamaSharp.Backend.Cpu or LLamaSharp.Backend.Cuda12);
/// <see cref="BackendOptions.GpuLayers"/> sets how many layers a GPU backend gets.
/// <list type="bullet">
/// <item>The weights are loaded once and shared. Each request has a llama.cpp context to itself for its whole
/// generation; there are at most <see cref="BackendOptions.MaxParallelRequests"/> contexts (default 1: requests are
/// served one at a time, later ones wait), so concurrent callers are safe.</item>
/// <item>KV-cache reuse: a context keeps the tokens it has evaluated. A request takes the idle context whose tokens
/// share the longest prefix with its prompt, drops the cache after that prefix and evaluates only the rest. The
/// stages of a Checking-as-Context run extend one conversation, so each stage re-evaluates only the new turns.
/// Usage reports <see cref="UsageDetails.InputTokenCount"/> (prompt tokens) and
/// <see cref="UsageDetails.CachedInputTokenCount"/> (those taken from the cache).</item>
/// <item>Chat template: the model's own (GGUF metadata <c>tokenizer.chat_template</c>, applied by llama.cpp); a file
/// without one gets llama.cpp's built-in <c>chatml</c> template, as llama.cpp's server does, with <c>&lt;|im_end|&gt;</c>
/// as a stop sequence; <see cref="BackendOptions.ChatTemplate"/> names another built-in.</item>
/// <item>A trailing assistant message is continued, not answered (<see cref="AssistantPrefillSupport"/>).</item>
/// <item>Sampling: temperature 0 is greedy; otherwise llama.cpp's default chain seeded by the request's seed or
/// <see cref="BackendOptions.Seed"/>, so equal requests give equal output. Cancellation is checked before every token.</item>
/// </list>
/// </summary>
public sealed class GgufChatClient : IChatClient
{
    private const string FallbackTemplate = "chatml";
    private const float DefaultTemperature = 0.8f;
    private const int MaxDefaultContext = 4096;
    private static readonly string[] FallbackStopSequences = ["<|im_end|>"];
    private static readonly NativeLogConfig.LLamaLogCallback DiscardNativeLog = (_, _) => { };

    private readonly LLamaWeights _weights;
    private readonly ModelParams _parameters;
    private readonly BackendOptions _options;
    private readonly string? _templateName;
    private readonly string[] _templateStops;
    private readonly SemaphoreSlim _slots;
    private readonly List<ConversationContext> _idle = [];
    private readonly List<ConversationContext> _created = [];
    private readonly ChatClientMetadata _metadata;
    private long _promptTokens, _evaluatedPromptTokens;
    private bool _disposed;

    /// <summary>Loads the model at <paramref name="path"/>; failures throw <see cref="ChatBackendException"/> (stage <c>loading</c>).</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">The backend settings (validated first).</param>
    public GgufChatClient(string path, BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Backend = $"gguf:{path}";
        if (!File.Exists(path))
            throw new ChatBackendException(Backend, "loading", $"model file not found: {path}", new FileNotFoundException(path, path));
        // llama.cpp logs every tensor it loads to stderr; failures reach the caller as exceptions instead.
        NativeLogConfig.llama_log_set(DiscardNativeLog);
        _options = options;
        _parameters = new ModelParams(Path.GetFullPath(path))
        {
            // Null asks for every layer on the GPU when the application's native backend can offload, none otherwise.
            GpuLayerCount = options.GpuLayers ?? (NativeApi.llama_supports_gpu_offload() ? int.MaxValue : 0),
            Threads = options.Threads,
            BatchThreads = options.Threads,
            ContextSize = (uint?)options.ContextSize,
        };
        try
        {
            _weights = LLamaWeights.LoadFromFile(_parameters);
        }
        catch (Exception e)
        {
            throw new ChatBackendException(Backend, "loading", e.Message, e);
        }
        _parameters.ContextSize ??= Math.Min(_weights.ContextSize is > 0 and var trained ? (uint)trained : MaxDefaultContext, MaxDefaultContext);
        bool hasOwnTemplate = _weights.NativeHandle.GetTemplate(null, false) is not null;
        _templateName = options.ChatTemplate ?? (hasOwnTemplate ? null : FallbackTemplate);
        _templateStops = _templateName == FallbackTemplate ? FallbackStopSequences : [];
        TemplateDescription = options.ChatTemplate is { } chosen ? $"{chosen} (chosen)"
            : hasOwnTemplate ? "the model's own" : $"{FallbackTemplate} (fallback: the model has none)";
        _slots = new SemaphoreSlim(options.MaxParallelRequests, options.MaxParallelRequests);
        _metadata = new ChatClientMetadata("gguf", new Uri(_parameters.ModelPath), Path.GetFileName(path));
    }

    /// <summary>The model spec, e.g. <c>gguf:models/x.gguf</c>.</summary>
    public string Backend { get; }

    /// <summary>Which chat template is in use, in words.</summary>
    public string TemplateDescription { get; }

    /// <summary>Context window in tokens.</summary>
    public int ContextSize => (int)_parameters.ContextSize!.Value;

    /// <summary>Prompt tokens of all requests so far.</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Prompt tokens actually evaluated so far (the rest came from the KV cache).</summary>
    public long EvaluatedPromptTokens => Interlocked.Read(ref _evaluatedPromptTokens);

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        List<ChatMessage> conversation = [.. messages];
        if (conversation.Count == 0) throw new ArgumentException("a chat request needs at least one message", nameof(messages));
        LLamaToken[] prompt = Tokenize(Render(conversation));
        int maxTokens = options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        if (prompt.Length >= ContextSize)
            throw new ChatBackendException(Backend, "the request", $"the prompt has {prompt.Length} tokens but the context holds {ContextSize} (raise the context size)");

        var context = await AcquireAsync(prompt, cancellationToken);
        try
        {
            int reused = EvaluatePrompt(context, prompt, cancellationToken);
            using var sampler = CreateSampler(options);
            var decoder = new StreamingTokenDecoder(Encoding.UTF8, _weights);
            var stops = new StopSequenceFilter([.. _templateStops, .. options?.StopSequences ?? []]);
            string responseId = $"gguf-{Guid.NewGuid():N}";
            var finish = ChatFinishReason.Length;
            int generated = 0;
            while (generated < maxTokens && context.Evaluated.Count < ContextSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LLamaToken token = sampler.Sample(context.Native.NativeHandle, context.LastLogitsIndex);
                if (token.IsEndOfGeneration(_weights.Vocab))
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }
                generated++;
                decoder.Add(token);
                var (text, stopped) = stops.Push(decoder.Read());
                if (text.Length > 0) yield return Update(responseId, text);
                if (stopped)
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }
                if (generated < maxTokens) Decode(context, [token], 0, cancellationToken);
            }
            string rest = finish == ChatFinishReason.Stop && stops.Stopped ? "" : stops.Flush();
            if (rest.Length > 0) yield return Update(responseId, rest);
            var usage = new UsageDetails
            {
                InputTokenCount = prompt.Length,
                CachedInputTokenCount = reused,
                OutputTokenCount = generated,
                TotalTokenCount = prompt.Length + generated,
            };
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)])
            {
                ResponseId = responseId,
                ModelId = _metadata.DefaultModelId,
                FinishReason = finish,
            };
        }
        finally
        {
            Release(context);
        }
    }

    /// <summary>The client's <see cref="ChatClientMetadata"/>, <see cref="AssistantPrefillSupport"/> (unless <see cref="PrefillMode.Off"/>), or the client itself.</summary>
    /// <param name="serviceType">The service wanted.</param>
    /// <param name="serviceKey">Must be null: the client has no keyed services.</param>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(AssistantPrefillSupport)) return _options.Prefill == PrefillMode.Off ? null : AssistantPrefillSupport.Instance;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Frees the contexts and the weights.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var context in _created) context.Native.Dispose();
        _weights.Dispose();
        _slots.Dispose();
    }

    private ChatResponseUpdate Update(string responseId, string text) =>
        new(ChatRole.Assistant, text) { ResponseId = responseId, ModelId = _metadata.DefaultModelId };

    /// <summary>The conversation in the chat template; a trailing assistant message is left open for the model to continue.</summary>
    private string Render(List<ChatMessage> conversation)
    {
        bool continuing = conversation[^1].Role == ChatRole.Assistant;
        try
        {
            var template = _templateName is null ? new LLamaTemplate(_weights, strict: true) : new LLamaTemplate(_templateName);
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
        var vocab = _weights.Vocab;
        LLamaToken[] tokens = _weights.Tokenize(prompt, vocab.ShouldAddBOS, special: true, Encoding.UTF8);
        // Templates that write the BOS marker themselves would otherwise start with two of them.
        return tokens.Length >= 2 && vocab.BOS is { } bos && tokens[0] == bos && tokens[1] == bos ? tokens[1..] : tokens;
    }

    private ISamplingPipeline CreateSampler(ChatOptions? options)
    {
        var defaults = new DefaultSamplingPipeline();
        return new DefaultSamplingPipeline
        {
            Temperature = options?.Temperature ?? DefaultTemperature,
            TopP = options?.TopP ?? defaults.TopP,
            TopK = options?.TopK ?? defaults.TopK,
            Seed = unchecked((uint)(options?.Seed ?? _options.Seed)),
        };
    }

    /// <summary>Evaluates the prompt after the longest prefix the context already holds; returns how many tokens were reused.</summary>
    private int EvaluatePrompt(ConversationContext context, LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        int keep = _options.ReuseKvCache ? ConversationContext.CommonPrefix(context.Evaluated, prompt) : 0;
        // The last prompt token is always evaluated: its logits start the generation.
        if (keep == prompt.Length) keep--;
        context.TruncateTo(keep);
        int batchSize = (int)context.Native.BatchSize;
        for (int start = keep; start < prompt.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, prompt.Length - start);
            Decode(context, prompt.AsSpan(start, count), start + count == prompt.Length ? count - 1 : -1, cancellationToken);
        }
        Interlocked.Add(ref _promptTokens, prompt.Length);
        Interlocked.Add(ref _evaluatedPromptTokens, prompt.Length - keep);
        return keep;
    }

    /// <summary>Decodes tokens at the end of the context's sequence; <paramref name="logitsAt"/> is the batch index whose logits are kept (-1: none).</summary>
    private void Decode(ConversationContext context, ReadOnlySpan<LLamaToken> tokens, int logitsAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var batch = context.Batch;
        batch.Clear();
        int position = context.Evaluated.Count;
        for (int i = 0; i < tokens.Length; i++) batch.Add(tokens[i], position + i, LLamaSeqId.Zero, i == logitsAt);
        var result = context.Native.Decode(batch);
        if (result != DecodeResult.Ok)
            throw new ChatBackendException(Backend, "the request", $"llama.cpp decode failed ({result})");
        context.Evaluated.AddRange(tokens);
        if (logitsAt >= 0) context.LastLogitsIndex = logitsAt;
    }

    private async Task<ConversationContext> AcquireAsync(LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        lock (_idle)
        {
            if (_idle.Count > 0)
            {
                var best = _idle.MaxBy(context => ConversationContext.CommonPrefix(context.Evaluated, prompt))!;
                _idle.Remove(best);
                return best;
            }
        }
        try
        {
            var context = new ConversationContext(_weights.CreateContext(_parameters));
            lock (_idle) _created.Add(context);
            return context;
        }
        catch (Exception e)
        {
            _slots.Release();
            throw new ChatBackendException(Backend, "creating a context", e.Message, e);
        }
    }

    private void Release(ConversationContext context)
    {
        lock (_idle) _idle.Add(context);
        _slots.Release();
    }

    /// <summary>A llama.cpp context and the tokens whose keys and values its cache holds (sequence 0, positions 0..n-1).</summary>
    private sealed class ConversationContext(LLamaContext native)
    {
        public LLamaContext Native { get; } = native;
        public List<LLamaToken> Evaluated { get; } = [];
        public LLamaBatch Batch { get; } = new();
        public int LastLogitsIndex { get; set; }

        public void TruncateTo(int length)
        {
            if (length >= Evaluated.Count) return;
            Native.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, length, -1);
            Evaluated.RemoveRange(length, Evaluated.Count - length);
        }

        public static int CommonPrefix(List<LLamaToken> cached, LLamaToken[] prompt)
        {
            int n = Math.Min(cached.Count, prompt.Length), i = 0;
            while (i < n && cached[i] == prompt[i]) i++;
            return i;
        }
    }
}
