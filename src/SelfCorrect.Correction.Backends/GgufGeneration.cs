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

    public GgufGeneration(GgufModel model, ChatOptions? options)
    {
        _model = model;
        Sampler = model.CreateSampler(options);
        _decoder = new StreamingTokenDecoder(Encoding.UTF8, model.Weights);
        _stops = new StopSequenceFilter([.. model.TemplateStops, .. options?.StopSequences ?? []]);
        _maxTokens = options?.MaxOutputTokens ?? model.Options.DefaultMaxOutputTokens;
    }

    public ISamplingPipeline Sampler { get; }

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

    public void Dispose() => Sampler.Dispose();
}
