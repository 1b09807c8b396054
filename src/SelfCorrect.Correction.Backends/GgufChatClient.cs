using System.Runtime.CompilerServices;
using LLama;
using LLama.Native;
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
/// <see cref="BatchedGgufChatClient"/> serves concurrent requests in shared decode steps instead.
/// </summary>
public sealed class GgufChatClient : IChatClient
{
    private readonly GgufModel _model;
    private readonly SemaphoreSlim _slots;
    private readonly List<ConversationContext> _idle = [];
    private readonly List<ConversationContext> _created = [];
    private bool _disposed;

    /// <summary>Loads the model at <paramref name="path"/>; failures throw <see cref="ChatBackendException"/> (stage <c>loading</c>).</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">The backend settings (validated first).</param>
    public GgufChatClient(string path, BackendOptions options)
    {
        _model = new GgufModel(path, options);
        _slots = new SemaphoreSlim(options.MaxParallelRequests, options.MaxParallelRequests);
    }

    /// <summary>The model spec, e.g. <c>gguf:models/x.gguf</c>.</summary>
    public string Backend => _model.Backend;

    /// <summary>Which chat template is in use, in words.</summary>
    public string TemplateDescription => _model.TemplateDescription;

    /// <summary>Context window in tokens.</summary>
    public int ContextSize => _model.ContextSize;

    /// <summary>Prompt tokens of all requests so far.</summary>
    public long PromptTokens => _model.PromptTokens;

    /// <summary>Prompt tokens actually evaluated so far (the rest came from the KV cache).</summary>
    public long EvaluatedPromptTokens => _model.EvaluatedPromptTokens;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        LLamaToken[] prompt = _model.Prompt(messages);
        var context = await AcquireAsync(prompt, cancellationToken);
        try
        {
            int reused = EvaluatePrompt(context, prompt, cancellationToken);
            using var generation = new GgufGeneration(_model, options);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LLamaToken token = generation.Sample(context.Native.NativeHandle, context.Native.NativeHandle.GetLogitsIth(context.LastLogitsIndex));
                bool more = generation.Accept(token, out string text);
                if (text.Length > 0) yield return generation.Update(text);
                if (!more) break;
                Decode(context, [token], 0, cancellationToken);
                if (context.Evaluated.Count >= ContextSize) break;
            }
            foreach (var update in generation.Finish(prompt.Length, reused)) yield return update;
        }
        finally
        {
            Release(context);
        }
    }

    /// <summary>The client's <see cref="ChatClientMetadata"/>, <see cref="AssistantPrefillSupport"/> (unless <see cref="PrefillMode.Off"/>), or the client itself.</summary>
    /// <param name="serviceType">The service wanted.</param>
    /// <param name="serviceKey">Must be null: the client has no keyed services.</param>
    public object? GetService(Type serviceType, object? serviceKey = null) => _model.GetService(this, serviceType, serviceKey);

    /// <summary>Frees the contexts and the weights.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var context in _created) context.Native.Dispose();
        _model.Dispose();
        _slots.Dispose();
    }

    /// <summary>Evaluates the prompt after the longest prefix the context already holds; returns how many tokens were reused.</summary>
    private int EvaluatePrompt(ConversationContext context, LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        int keep = _model.ReusablePrefix(context.Evaluated, prompt);
        context.TruncateTo(keep);
        int batchSize = (int)context.Native.BatchSize;
        for (int start = keep; start < prompt.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, prompt.Length - start);
            Decode(context, prompt.AsSpan(start, count), start + count == prompt.Length ? count - 1 : -1, cancellationToken);
        }
        _model.CountPrompt(prompt.Length, keep);
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
                var best = _idle.MaxBy(context => GgufModel.CommonPrefix(context.Evaluated, prompt))!;
                _idle.Remove(best);
                return best;
            }
        }
        try
        {
            var context = new ConversationContext(_model.Weights.CreateContext(_model.Parameters));
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
    }
}
