using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Tasks;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class TaskTests
{
    [Theory]
    [InlineData("reference")]
    [InlineData("noisy")]
    public void SameSeedReproducesBitForBitAndOtherSeedsDiffer(string name)
    {
        var task = AlignmentTasks.Create(name, 5, 8);
        using var a = task.Sample(16, new Generator(11));
        using var b = task.Sample(16, new Generator(11));
        using var c = task.Sample(16, new Generator(12));
        foreach (var (x, y) in Pairs(a, b)) Assert.True(x.equal(y).all().item<bool>());
        Assert.False(a.Rewards.equal(c.Rewards).all().item<bool>());
        Assert.Equal(new long[] { 16, 8, 5 }, a.Responses.shape);
        Assert.Equal(ScalarType.Float32, a.Responses.dtype);
        using var doubles = task.Sample(2, new Generator(1), ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, doubles.Responses.dtype);
    }

    [Fact]
    public void ReferenceResponsesFollowTheProtocol()
    {
        using var batch = new ReferenceLinearAlignment(4, 6).Sample(10, new Generator(3), ScalarType.Float64);
        // Rewards in [0, 1); the best response is the closest to the target.
        Assert.True((batch.Rewards >= 0).all().item<bool>() && (batch.Rewards < 1).all().item<bool>());
        var distance = (batch.Responses - batch.Target.unsqueeze(1)).norm(-1);
        Assert.True(batch.Rewards.argmax(1).equal(distance.argmin(1)).all().item<bool>());
    }

    [Fact]
    public void TwoPointExtrapolationRecoversTargetOnReferenceTaskOnly()
    {
        using var reference = new ReferenceLinearAlignment(5, 10).Sample(64, new Generator(4), ScalarType.Float64);
        using var recovered = new TwoPointExtrapolation().Predict(reference);
        var fromTwo = recovered.narrow(1, 1, reference.PrefixCount - 1);
        Assert.True(fromTwo.allclose(reference.Target.unsqueeze(1).expand_as(fromTwo), rtol: 1e-6, atol: 1e-8));

        using var noisy = new NoisyLinearAlignment(5, 10).Sample(64, new Generator(4), ScalarType.Float64);
        using var guessed = new TwoPointExtrapolation().Predict(noisy);
        double error = (guessed.select(1, 8) - noisy.Target).square().sum(-1).mean().item<double>();
        Assert.True(error > 0.1, $"extrapolation unexpectedly recovered the noisy target (error {error})");
    }

    [Fact]
    public void RewardCorruptionReplacesAboutAFractionPAndKeepsResponses()
    {
        using var batch = new ReferenceLinearAlignment(3, 20).Sample(500, new Generator(5));
        Assert.True(new RewardCorruption(0).Apply(batch.Rewards, new Generator(1)).equal(batch.Rewards).all().item<bool>());
        using var corrupted = new RewardCorruption(0.25).Apply(batch, new Generator(1));
        double changed = (corrupted.Rewards != batch.Rewards).to_type(ScalarType.Float64).mean().item<double>();
        Assert.InRange(changed, 0.22, 0.28);
        Assert.Same(batch.Responses, corrupted.Responses);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardCorruption(1.5));
    }

    [Fact]
    public void InvalidSizesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReferenceLinearAlignment(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoisyLinearAlignment(3, 1));
        Assert.Throws<ArgumentException>(() => AlignmentTasks.Create("linear", 3, 5));
    }

    private static IEnumerable<(Tensor, Tensor)> Pairs(AlignmentBatch a, AlignmentBatch b) =>
        [(a.Query, b.Query), (a.Responses, b.Responses), (a.Rewards, b.Rewards), (a.Target, b.Target)];
}
