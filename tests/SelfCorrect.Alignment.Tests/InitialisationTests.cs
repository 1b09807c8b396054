using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Models;
using SelfCorrect.Alignment.Training;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class InitialisationTests
{
    private static ExperimentConfig Config(string init, int seed = 3, int layers = 8) => new()
    {
        Task = new TaskSettings { Name = "reference", D = 5, N = 20 },
        Model = new ModelSettings { Layers = layers, Heads = 3, Width = 96, Init = init },
        Training = new TrainingSettings { Seed = seed },
    };

    private static Dictionary<string, Tensor> Parameters(ExperimentConfig config)
    {
        using var model = Trainer.CreateModel(config);
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
    }

    private static double Std(IEnumerable<Tensor> tensors) => cat(tensors.Select(t => t.flatten()).ToArray()).std().item<float>();

    [Fact]
    public void Gpt2InitialisationIsReproducibleAndDependsOnTheSeed()
    {
        var a = Parameters(Config("gpt2"));
        var b = Parameters(Config("gpt2"));
        var other = Parameters(Config("gpt2", seed: 4));
        foreach (string name in a.Keys) Assert.True(a[name].equal(b[name]).all().item<bool>(), $"{name} differs for the same seed");
        Assert.False(a["blocks.0.attention.query.weight"].equal(other["blocks.0.attention.query.weight"]).all().item<bool>());
    }

    [Fact]
    public void Gpt2InitialisationHasGpt2Scales()
    {
        const int layers = 8;
        var p = Parameters(Config("gpt2", layers: layers));
        var names = p.Keys.ToList();
        double residual = 0.02 / Math.Sqrt(2 * layers);
        double main = Std(names.Where(n => n.StartsWith("blocks.", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal)
            && (n.Contains(".query.") || n.Contains(".key.") || n.Contains(".value.") || n.Contains(".hidden."))).Select(n => p[n]));
        double projections = Std(names.Where(n => n.EndsWith("attention.output.weight", StringComparison.Ordinal) || n.EndsWith("feedForward.output.weight", StringComparison.Ordinal)).Select(n => p[n]));
        Assert.InRange(main, 0.019, 0.021);
        Assert.InRange(projections, 0.95 * residual, 1.05 * residual);
        Assert.InRange(Std([p["positions.weight"]]), 0.019, 0.021);
        foreach (string bias in names.Where(n => n.StartsWith("blocks.", StringComparison.Ordinal) && n.EndsWith(".bias", StringComparison.Ordinal) && !n.Contains("Norm")))
            Assert.Equal(0.0, p[bias].abs().max().item<float>());
        foreach (string norm in names.Where(n => n.Contains("Norm") && n.EndsWith(".weight", StringComparison.Ordinal)))
            Assert.True(p[norm].eq(1).all().item<bool>(), norm);
        // libtorch's Kaiming-uniform default is about three times wider at width 96: U(±1/√96) has std 0.059.
        var torch = Parameters(Config("torch", layers: layers));
        Assert.InRange(Std([torch["blocks.0.attention.query.weight"]]), 0.055, 0.063);
    }

    [Fact]
    public void TanhGeluIsGpt2sApproximation()
    {
        using var x = linspace(-4, 4, 81);
        var config = new TransformerConfig { Dimension = 1, Width = 1, Heads = 1, FeedForwardWidth = 1, Activation = FeedForwardActivation.GeluTanh };
        using var feedForward = new FeedForward(config);
        using (no_grad())
        {
            feedForward.Hidden.weight!.fill_(1);
            feedForward.Hidden.bias!.zero_();
            feedForward.Output.weight!.fill_(1);
            feedForward.Output.bias!.zero_();
        }
        using var output = feedForward.forward(x.view(-1, 1)).view(-1);
        using var expected = 0.5 * x * (1 + tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))));
        Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-6));
        using var exact = 0.5 * x * (1 + special.erf(x / Math.Sqrt(2)));
        Assert.False(output.allclose(exact, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void UnknownInitialisationOrGeluNamesTheKey()
    {
        var init = Assert.Throws<ArgumentException>(() => new ExperimentConfig { Model = new ModelSettings { Init = "xavier" } }.Validate());
        Assert.Contains("model.init", init.Message);
        var gelu = Assert.Throws<ArgumentException>(() => new ExperimentConfig { Model = new ModelSettings { Gelu = "sigmoid" } }.Validate());
        Assert.Contains("model.gelu", gelu.Message);
    }
}
