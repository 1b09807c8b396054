using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class TransformerTests
{
    public static TheoryData<AttentionKind, bool, bool> Variants()
    {
        var data = new TheoryData<AttentionKind, bool, bool>();
        foreach (var attention in new[] { AttentionKind.Softmax, AttentionKind.Linear })
            foreach (bool ffn in new[] { true, false })
                foreach (bool layerNorm in new[] { true, false })
                    data.Add(attention, ffn, layerNorm);
        return data;
    }

    private static InContextTransformer Create(AttentionKind attention = AttentionKind.Softmax, bool ffn = true, bool layerNorm = true)
    {
        manual_seed(3);
        return new InContextTransformer(new TransformerConfig
        {
            Dimension = 3, ResponseCount = 8, Layers = 2, Heads = 2, Width = 16, Attention = attention, FeedForward = ffn, LayerNorm = layerNorm,
        });
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ChangingALaterTripletNeverChangesAnEarlierPrediction(AttentionKind attention, bool ffn, bool layerNorm)
    {
        using var model = Create(attention, ffn, layerNorm);
        using var batch = new NoisyLinearAlignment(3, 8).Sample(4, new Generator(1));
        using var before = model.Predict(batch);
        for (int changed = 1; changed < 7; changed++)
        {
            var responses = batch.Responses.clone();
            responses[.., changed] = responses[.., changed] + 5;
            var rewards = batch.Rewards.clone();
            rewards[.., changed] = 1 - rewards[.., changed];
            using var after = model.Predict(new AlignmentBatch(batch.Query, responses, rewards, batch.Target));
            // Predictions after k ≤ changed have seen triplets 1..k only (triplet index `changed` is triplet changed+1).
            Assert.True(before.narrow(1, 0, changed).allclose(after.narrow(1, 0, changed), rtol: 0, atol: 1e-6),
                $"triplet {changed + 1} leaked into an earlier prediction");
            Assert.False(before.narrow(1, changed, 7 - changed).allclose(after.narrow(1, changed, 7 - changed)));
        }
    }

    [Fact]
    public void ShapesAndParameterNamesFollowTheLayout()
    {
        using var model = Create();
        using var batch = new ReferenceLinearAlignment(3, 8).Sample(5, new Generator(2));
        Assert.Equal(new long[] { 5, 8, 3 }, model.forward(batch.Query, batch.Responses, batch.Rewards).shape);
        Assert.Equal(new long[] { 5, 7, 3 }, model.Predict(batch).shape);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        foreach (string expected in new[]
                 {
                     "readIn.weight", "positions.weight", "readOut.bias", "finalNorm.weight",
                     "blocks.0.attentionNorm.weight", "blocks.0.attention.query.weight", "blocks.1.attention.output.bias",
                     "blocks.1.feedForward.hidden.weight", "blocks.1.feedForward.output.weight",
                 })
            Assert.Contains(expected, names);
        Assert.Equal(16 * 64, model.Blocks[0].FeedForward!.Hidden.weight!.numel()); // GELU FFN of width 4·n_embd
    }

    [Fact]
    public void TokensInterleaveQueryResponseAndReward()
    {
        using var query = tensor(new float[] { 1, 2 }).view(1, 2);
        using var responses = tensor(new float[] { 3, 4, 5, 6 }).view(1, 2, 2);
        using var rewards = tensor(new float[] { 0.5f, 0.25f }).view(1, 2);
        using var tokens = InContextTransformer.Tokens(query, responses, rewards);
        float[] expected = [1, 2, 3, 4, 0.5f, 0, 1, 2, 5, 6, 0.25f, 0];
        Assert.Equal(expected, tokens.data<float>().ToArray());
    }

    [Fact]
    public void HeadsMustDivideWidth()
    {
        var error = Assert.Throws<ArgumentException>(() => new InContextTransformer(new TransformerConfig { Heads = 3, Width = 64 }));
        Assert.Contains("model.heads", error.Message);
    }
}
