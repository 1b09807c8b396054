using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

/// <summary>
/// <see cref="GgufGeneration.Sample"/> against llama.cpp's own sampling on the tiny model's real logits: the chain on
/// the generation's reused candidates picks what <c>llama_sampler_sample</c> picks, and greedy what the default chain
/// picks at temperature 0.
/// </summary>
public sealed class GgufSamplingTests
{
    [Fact]
    public void MostLikely_IsTheFirstHighestLogit()
    {
        Assert.Equal(1, (int)GgufGeneration.MostLikely([0.5f, 3f, -1f, 3f]));
        Assert.Equal(0, (int)GgufGeneration.MostLikely([2f, 2f]));
        Assert.Equal(2, (int)GgufGeneration.MostLikely([-3f, -2f, -1f]));
    }

    [TinyModelFact]
    public void Sample_PicksWhatLlamaCppPicks_TokenAfterToken()
    {
        using var model = new GgufModel(TestModels.TinyGgufPath, new BackendOptions { ContextSize = 256, Threads = 1 });
        foreach (var (temperature, seed) in new[] { (0.9f, 7), (0.9f, 8), (1.5f, 9), (0f, 7) }) SamplesAsLlamaCpp(model, temperature, seed);
    }

    private static void SamplesAsLlamaCpp(GgufModel model, float temperature, int seed)
    {
        using var context = model.Weights.CreateContext(model.Parameters);
        var options = new ChatOptions { Temperature = temperature, Seed = seed };
        using var generation = new GgufGeneration(model, options);
        // The reference: llama.cpp's llama_sampler_sample with the same chain and seed; at temperature 0 the default chain.
        using var reference = model.CreateSampler(options) ?? new DefaultSamplingPipeline { Temperature = 0f, Seed = (uint)seed };

        var tokens = model.Prompt([new ChatMessage(ChatRole.User, "Write a short poem about the sea.")]);
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Length; i++) batch.Add(tokens[i], i, LLamaSeqId.Zero, i == tokens.Length - 1);
        var picked = new List<int>();
        for (int position = tokens.Length; picked.Count < 40; position++)
        {
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
            int at = batch.TokenCount - 1;
            LLamaToken token = generation.Sample(context.NativeHandle, context.NativeHandle.GetLogitsIth(at));
            Assert.Equal(reference.Sample(context.NativeHandle, at), token);
            picked.Add((int)token);
            batch.Clear();
            batch.Add(token, position, LLamaSeqId.Zero, true);
        }
        // Sampled runs wander over the vocabulary; a stuck sampler would repeat one token.
        if (temperature > 0) Assert.True(picked.Distinct().Count() > 10, string.Join(",", picked));
    }
}
