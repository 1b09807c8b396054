using System.Text;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// One request's generation after its prompt: the seeded sampler, the streaming detokenizer, the stop sequences and the
/// token budget. The caller decodes; this decides what each sampled token means.
/// </summary>
internal sealed class GgufGeneration : IDisposable
{
    private readonly GgufModel _model;
    private readonly StreamingTokenDecoder _decoder;
    private readonly StopSequenceFilter _stops;
    private readonly int _maxTokens;
    private readonly string _responseId = $"gguf-{Guid.NewGuid():N}";
    // Null for temperature 0, which takes the most likely token.
    private readonly BaseSamplingPipeline? _sampler;
    // The sampler's candidates, one per vocabulary token, filled anew for every token (llama.cpp would allocate them each time).
    private LLamaTokenData[]? _candidates;

    public GgufGeneration(GgufModel model, ChatOptions? options)
    {
        _model = model;
        _sampler = model.CreateSampler(options);
        _decoder = new StreamingTokenDecoder(Encoding.UTF8, model.Weights);
        _stops = new StopSequenceFilter([.. model.TemplateStops, .. options?.StopSequences ?? []]);
        _maxTokens = options?.MaxOutputTokens ?? model.Options.DefaultMaxOutputTokens;
    }

    /// <summary>
    /// The next token from the logits of the last decode, as llama.cpp's <c>llama_sampler_sample</c> picks it: the
    /// sampler chain applied to every vocabulary token, then told the token it chose; greedy takes the most likely
    /// token without the chain.
    /// </summary>
    public LLamaToken Sample(SafeLLamaContextHandle context, ReadOnlySpan<float> logits)
    {
        if (_sampler is null) return MostLikely(logits);
        _candidates ??= new LLamaTokenData[logits.Length];
        var candidates = LLamaTokenDataArray.Create(logits, _candidates);
        LLamaToken token;
        using (LLamaTokenDataArrayNative.Create(candidates, out var native))
        {
            native.Selected = -1;
            _sampler.Apply(context, ref native);
            if (native.Selected < 0) throw new InvalidOperationException("the sampler chain selected no token");
            token = native.Data[(int)native.Selected].ID;
        }
        _sampler.Accept(token);
        return token;
    }

    /// <summary>The first token with the highest logit, as llama.cpp's greedy sampler takes it.</summary>
    internal static LLamaToken MostLikely(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>Length until an end-of-generation token or a stop sequence says Stop.</summary>
    public ChatFinishReason FinishReason { get; private set; } = ChatFinishReason.Length;

    public int Generated { get; private set; }

    /// <summary>
    /// Takes a sampled token: <paramref name="text"/> is what may now be sent; true when generation goes on, the token
    /// then to be decoded; false at the end of generation, a stop sequence, or the token budget.
    /// </summary>
    public bool Accept(LLamaToken token, out string text)
    {
        text = "";
        if (token.IsEndOfGeneration(_model.Weights.Vocab))
        {
            FinishReason = ChatFinishReason.Stop;
            return false;
        }
        Generated++;
        _decoder.Add(token);
        (text, bool stopped) = _stops.Push(_decoder.Read());
        if (stopped)
        {
            FinishReason = ChatFinishReason.Stop;
            return false;
        }
        return Generated < _maxTokens;
    }

    public ChatResponseUpdate Update(string text) =>
        new(ChatRole.Assistant, text) { ResponseId = _responseId, ModelId = _model.Metadata.DefaultModelId };

    /// <summary>The text held back for a possible stop sequence (none after one matched), then the usage and finish reason.</summary>
    public IEnumerable<ChatResponseUpdate> Finish(int promptTokens, int reusedTokens)
    {
        string rest = FinishReason == ChatFinishReason.Stop && _stops.Stopped ? "" : _stops.Flush();
        if (rest.Length > 0) yield return Update(rest);
        var usage = new UsageDetails
        {
            InputTokenCount = promptTokens,
            CachedInputTokenCount = reusedTokens,
            OutputTokenCount = Generated,
            TotalTokenCount = promptTokens + Generated,
        };
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)])
        {
            ResponseId = _responseId,
            ModelId = _model.Metadata.DefaultModelId,
            FinishReason = FinishReason,
        };
    }

    public void Dispose() => _sampler?.Dispose();
}
