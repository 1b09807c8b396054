using SelfCorrect.Alignment.Experiments;

namespace SelfCorrect.Alignment.Tests;

public class PresetTests
{
    private static string Write(string directory, string name, string yaml)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void ChildOverridesParentKeyByKeyAndSetOverridesBoth()
    {
        string directory = NewDirectory();
        Write(directory, "base.yaml", "model: {layers: 6, heads: 2, width: 32}\ntraining: {steps: 100, learning_rate: 0.01}\n");
        string child = Write(directory, "child.yaml", "inherit: base\nmodel: {layers: 3}\n");
        var config = PresetLoader.Load(child, ["training.steps=7", "evaluation.noise_levels=[0, 0.5]"]);
        Assert.Equal(3, config.Model.Layers);
        Assert.Equal(32, config.Model.Width);             // kept from base
        Assert.Equal(0.01, config.Training.LearningRate);  // kept from base
        Assert.Equal(7, config.Training.Steps);            // --set
        Assert.Equal([0, 0.5], config.Evaluation.NoiseLevels);
        Assert.Equal(20, config.Task.N);                   // default
    }

    [Fact]
    public void ShippedPresetsLoadAndPaperMatchesTheReference()
    {
        var paper = PresetLoader.Load("paper");
        Assert.Equal((5, 20, 20, 3, 96, 256, 1e-4, 3000), (paper.Task.D, paper.Task.N, paper.Model.Layers, paper.Model.Heads, paper.Model.Width,
            paper.Training.BatchSize, paper.Training.LearningRate, paper.Training.Steps));
        var quick = PresetLoader.Load("quick");
        Assert.Equal("cosine", quick.Training.Reward);
        PresetLoader.Load("tiny");
    }

    [Fact]
    public void ResolvedConfigRoundTrips()
    {
        var config = PresetLoader.Load("quick", ["training.seed=3"]);
        string path = Write(NewDirectory(), "config.yaml", PresetLoader.ToYaml(config));
        Assert.Equal(PresetLoader.ToYaml(config), PresetLoader.ToYaml(PresetLoader.LoadResolved(path)));
    }

    [Theory]
    [InlineData("model: {layerz: 3}\n", "unknown key 'model.layerz'")]
    [InlineData("modle: {layers: 3}\n", "unknown key 'modle'")]
    [InlineData("model: {heads: 5, width: 64}\n", "model.heads")]
    [InlineData("training: {steps: 0}\n", "training.steps")]
    [InlineData("training: {steps: many}\n", "bad.yaml")]
    [InlineData("model: [1, 2]\n", "'model' must be a mapping")]
    [InlineData("inherit: bad\n", "cycle")]
    public void BadPresetsNameTheFileAndKey(string yaml, string expected)
    {
        string path = Write(NewDirectory(), "bad.yaml", yaml);
        var error = Assert.ThrowsAny<Exception>(() => PresetLoader.Load(path));
        Assert.True(error is ArgumentException or InvalidDataException, error.GetType().Name);
        Assert.Contains(expected, error.Message);
        Assert.Contains("bad.yaml", error.Message);
    }

    [Fact]
    public void UnknownPresetAndBadOverrideAreRejected()
    {
        Assert.Contains("unknown preset 'nope'", Assert.Throws<ArgumentException>(() => PresetLoader.Load("nope")).Message);
        Assert.Contains("--set", Assert.Throws<ArgumentException>(() => PresetLoader.Load("quick", ["training.steps"])).Message);
        Assert.Contains("unknown key 'training.stepz'", Assert.Throws<ArgumentException>(() => PresetLoader.Load("quick", ["training.stepz=3"])).Message);
    }
}
