using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// A GGUF model run in-process by LLamaSharp 0.30 that serves concurrent requests in shared decode steps: one
/// llama.cpp context, a llama.cpp sequence per request, and one loop (a thread of its own) that decodes the next
/// token of every request in a single batch, then samples each with the request's own seeded sampler. A token costs a
/// small model about the same time alone as in a batch of a few, so requests that arrive together finish together
/// instead of one after another.
/// <list type="bullet">
/// <item>At most <see cref="BackendOptions.MaxBatch"/> requests generate at once; later ones wait in arrival order.
/// Each sequence has <see cref="BackendOptions.ContextSize"/> tokens of KV cache of its own (llama.cpp's non-unified
/// cache), so the context holds MaxBatch times that.</item>
/// <item>KV-cache reuse as in <see cref="GgufChatClient"/>: a finished request's sequence keeps its tokens; the next
/// request takes the idle sequence sharing the longest prefix with its prompt, so each Checking-as-Context stage
/// evaluates only its new turns. A request's prompt is evaluated in the same decode steps as the others' tokens.</item>
/// <item>Same answers as <see cref="GgufChatClient"/> with the same seed: sampling, stop sequences, usage, the chat
/// template and the prefill are shared with it. Bit for bit with <see cref="BackendOptions.FlashAttention"/> false:
/// llama.cpp's CPU flash attention adds up in an order that depends on the batch, so a sampled answer can now and
/// then part from the one-at-a-time one.</item>
/// </list>
/// </summary>
public sealed class BatchedGgufChatClient : IChatClient
{
    private readonly GgufModel _model;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();
    private readonly int _maxBatch;
    private readonly Queue<Job> _waiting = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _loop;
    // The loop's own state: only the loop touches it.
    private readonly List<Job> _active = [];
    private readonly List<Sequence> _idle = [];
    private int _sequences;
    private ChatBackendException? _failure;
    private bool _disposed;

    /// <summary>Loads the model at <paramref name="path"/>; failures throw <see cref="ChatBackendException"/> (stage <c>loading</c>).</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">The backend settings (validated first); <see cref="BackendOptions.MaxBatch"/> sequences share the context.</param>
    public BatchedGgufChatClient(string path, BackendOptions options)
    {
        _model = new GgufModel(path, options);
        _maxBatch = options.MaxBatch;
        try
        {
            var parameters = _model.Parameters with
            {
                ContextSize = (uint)(_model.ContextSize * _maxBatch),
                SeqMax = (uint)_maxBatch,
                // A cache per sequence: each request's attention sees only its own cells, laid out as in a context of its own.
                KVUnified = false,
            };
            _context = _model.Weights.CreateContext(parameters);
        }
        catch (Exception e)
        {
            _model.Dispose();
            throw new ChatBackendException(Backend, "creating a context", e.Message, e);
        }
        // A thread of its own: every decode starts from the same thread, so llama.cpp's worker threads (an OpenMP team
        // per calling thread) stay the same few, and no thread-pool hop sits between steps.
        _loop = new Thread(Run) { IsBackground = true, Name = "gguf batch loop" };
        _loop.Start();
    }

    /// <summary>The model spec, e.g. <c>gguf:models/x.gguf</c>.</summary>
    public string Backend => _model.Backend;

    /// <summary>Which chat template is in use, in words.</summary>
    public string TemplateDescription => _model.TemplateDescription;

    /// <summary>Context window of one request in tokens.</summary>
    public int ContextSize => _model.ContextSize;

    /// <summary>Prompt tokens of all requests so far.</summary>
    public long PromptTokens => _model.PromptTokens;

    /// <summary>Prompt tokens actually evaluated so far (the rest came from the KV cache).</summary>
    public long EvaluatedPromptTokens => _model.EvaluatedPromptTokens;

    /// <summary>The most requests that have generated together so far.</summary>
    public int PeakBatch { get; private set; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is { } failure) throw failure;
        var job = new Job(_model.Prompt(messages), new GgufGeneration(_model, options), cancellationToken);
        lock (_waiting) _waiting.Enqueue(job);
        _wake.Release();
        try
        {
            await foreach (var update in job.Output.Reader.ReadAllAsync(cancellationToken)) yield return update;
        }
        finally
        {
            // A caller that stops reading early (or is cancelled) ends its generation at the next step.
            job.Abandoned = true;
        }
    }

    /// <summary>The client's <see cref="ChatClientMetadata"/>, <see cref="AssistantPrefillSupport"/> (unless <see cref="PrefillMode.Off"/>), or the client itself.</summary>
    /// <param name="serviceType">The service wanted.</param>
    /// <param name="serviceKey">Must be null: the client has no keyed services.</param>
    public object? GetService(Type serviceType, object? serviceKey = null) => _model.GetService(this, serviceType, serviceKey);

    /// <summary>Stops the loop after its current decode step, ends the requests in flight with <see cref="ObjectDisposedException"/>, and frees the context and the weights.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping.Cancel();
        _loop.Join();
        var ended = new ObjectDisposedException(nameof(BatchedGgufChatClient));
        lock (_waiting)
            foreach (var job in _active.Concat(_waiting)) job.End(ended);
        _context.Dispose();
        _model.Dispose();
        _stopping.Dispose();
        _wake.Dispose();
    }

    /// <summary>Admit waiting requests, decode one batch, advance every request whose tokens it held; sleep when idle.</summary>
    private void Run()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (_active.Count == 0) _wake.Wait(_stopping.Token);
                Admit();
                if (_active.Count == 0) continue;
                PeakBatch = Math.Max(PeakBatch, _active.Count);
                Decode();
                Advance();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed: Dispose ends the requests.
        }
        catch (Exception e)
        {
            // The context's state is unknown after a failed decode: every request, now and later, gets the failure.
            _failure = e as ChatBackendException ?? new ChatBackendException(Backend, "the request", e.Message, e);
            lock (_waiting)
            {
                foreach (var job in _active.Concat(_waiting)) job.End(_failure);
                _waiting.Clear();
            }
            _active.Clear();
        }
    }

    /// <summary>Gives waiting requests a sequence while one is free and queues their prompts after the longest cached prefix.</summary>
    private void Admit()
    {
        while (true)
        {
            Job job;
            lock (_waiting)
            {
                if (_waiting.Count == 0 || (_idle.Count == 0 && _sequences == _maxBatch)) return;
                job = _waiting.Dequeue();
            }
            if (job.Abandoned || job.Cancellation.IsCancellationRequested)
            {
                job.End(new OperationCanceledException(job.Cancellation));
                continue;
            }
            var sequence = job.Sequence = TakeSequence(job.Prompt);
            int keep = _model.ReusablePrefix(sequence.Tokens, job.Prompt);
            if (sequence.Tokens.Count > keep)
            {
                _context.NativeHandle.MemorySequenceRemove(sequence.Id, keep, -1);
                sequence.Tokens.RemoveRange(keep, sequence.Tokens.Count - keep);
            }
            sequence.Queue(job.Prompt.AsSpan(keep));
            job.Reused = keep;
            _model.CountPrompt(job.Prompt.Length, keep);
            _active.Add(job);
        }
    }

    /// <summary>The idle sequence sharing the longest prefix with the prompt; a new one when none shares any and there is room.</summary>
    private Sequence TakeSequence(LLamaToken[] prompt)
    {
        var best = _idle.MaxBy(sequence => GgufModel.CommonPrefix(sequence.Tokens, prompt));
        if (best is null || (_sequences < _maxBatch && GgufModel.CommonPrefix(best.Tokens, prompt) == 0))
        {
            return new Sequence((LLamaSeqId)_sequences++);
        }
        _idle.Remove(best);
        return best;
    }

    /// <summary>
    /// Decodes the queued tokens of the active requests as far as the context's batch size allows; a request all of
    /// whose tokens went in keeps the logits of its last one.
    /// </summary>
    private void Decode()
    {
        // In sequence-id order: llama.cpp puts the tokens of a per-sequence cache into one micro-batch only while each
        // next sequence's id is the last one's plus one, so this order decodes them in one step.
        _active.Sort((a, b) => a.Sequence!.Id.Value.CompareTo(b.Sequence!.Id.Value));
        _batch.Clear();
        int room = (int)_context.BatchSize;
        foreach (var job in _active)
        {
            var sequence = job.Sequence!;
            int count = Math.Min(sequence.Queued, room - _batch.TokenCount);
            int start = sequence.Tokens.Count - sequence.Queued;
            for (int i = 0; i < count; i++)
                _batch.Add(sequence.Tokens[start + i], start + i, sequence.Id, logits: i == sequence.Queued - 1);
            sequence.Queued -= count;
            job.LogitsAt = count > 0 && sequence.Queued == 0 ? _batch.TokenCount - 1 : -1;
        }
        var result = _context.Decode(_batch);
        if (result != DecodeResult.Ok)
            throw new ChatBackendException(Backend, "the request", $"llama.cpp decode failed ({result})");
    }

    /// <summary>After a decode step: samples the next token of every request whose tokens it held, sends its text, and queues the token or ends the request.</summary>
    private void Advance()
    {
        var context = _context.NativeHandle;
        foreach (var job in _active.ToList())
        {
            // A request whose tokens wait for a later batch (a long prompt) is not sampled yet.
            if (job.LogitsAt < 0) continue;
            var sequence = job.Sequence!;
            if (job.Abandoned || job.Cancellation.IsCancellationRequested)
            {
                Retire(job, new OperationCanceledException(job.Cancellation));
                continue;
            }
            bool more = sequence.Tokens.Count < ContextSize;
            if (more)
            {
                var token = job.Generation.Sample(context, context.GetLogitsIth(job.LogitsAt));
                more = job.Generation.Accept(token, out string text);
                if (text.Length > 0) job.Output.Writer.TryWrite(job.Generation.Update(text));
                if (more) sequence.Queue([token]);
            }
            if (!more) Finish(job);
        }
    }

    /// <summary>Sends the held-back text, the usage and the finish reason, and ends the request.</summary>
    private void Finish(Job job)
    {
        foreach (var update in job.Generation.Finish(job.Prompt.Length, job.Reused)) job.Output.Writer.TryWrite(update);
        Retire(job, error: null);
    }

    /// <summary>Ends the request and keeps its sequence, with its tokens, for the next request to reuse.</summary>
    private void Retire(Job job, Exception? error)
    {
        _active.Remove(job);
        _idle.Add(job.Sequence!);
        job.End(error);
    }

    /// <summary>A llama.cpp sequence and its tokens (positions 0..n-1): the KV cache holds all but the last <see cref="Queued"/>, which wait for the next decode.</summary>
    private sealed class Sequence(LLamaSeqId id)
    {
        public LLamaSeqId Id { get; } = id;
        public List<LLamaToken> Tokens { get; } = [];
        public int Queued { get; set; }

        public void Queue(ReadOnlySpan<LLamaToken> tokens)
        {
            Tokens.AddRange(tokens);
            Queued += tokens.Length;
        }
    }

    /// <summary>One request: its prompt, its generation, and the updates on their way to the caller.</summary>
    private sealed class Job(LLamaToken[] prompt, GgufGeneration generation, CancellationToken cancellation)
    {
        public LLamaToken[] Prompt { get; } = prompt;
        public GgufGeneration Generation { get; } = generation;
        public CancellationToken Cancellation { get; } = cancellation;
        public Channel<ChatResponseUpdate> Output { get; } = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        public Sequence? Sequence { get; set; }
        public int Reused { get; set; }
        /// <summary>Where the last decode's batch holds this request's logits; -1 while its tokens are not all decoded.</summary>
        public int LogitsAt { get; set; } = -1;
        public volatile bool Abandoned;

        public void End(Exception? error)
        {
            if (Output.Writer.TryComplete(error)) Generation.Dispose();
        }
    }
}
