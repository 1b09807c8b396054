using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Common;

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
        var tiny = PresetLoader.Load("tiny");
        // tiny.yaml's own keys, and keys it inherits from quick.yaml.
        Assert.Equal((8, 2, 2, 32, 40, 32, 20), (tiny.Task.N, tiny.Model.Layers, tiny.Model.Heads, tiny.Model.Width,
            tiny.Training.Steps, tiny.Training.BatchSize, tiny.Training.CheckpointEvery));
        Assert.Equal((quick.Training.Reward, quick.Task.D, quick.Training.LearningRate), (tiny.Training.Reward, tiny.Task.D, tiny.Training.LearningRate));
    }

    [Fact]
    public void ResolvedConfigRoundTrips()
    {
        var config = PresetLoader.Load("quick", ["training.seed=3"]);
        string path = Write(NewDirectory(), "config.yaml", PresetLoader.ToYaml(config));
        Assert.Equal(PresetLoader.ToYaml(config), PresetLoader.ToYaml(PresetLoader.LoadResolved(path)));
    }

    [Theory]
    [InlineData("model: {layerz: 3}\n", "bad.yaml:1: model.layerz: unknown key")]
    [InlineData("modle: {layers: 3}\n", "bad.yaml:1: modle: unknown key")]
    [InlineData("model: {heads: 5, width: 64}\n", "model.heads")]
    [InlineData("training: {steps: 0}\n", "training.steps")]
    [InlineData("training: {steps: many}\n", "bad.yaml:1: training.steps: expected an integer, got 'many'")]
    [InlineData("model: [1, 2]\n", "bad.yaml:1: model: expected a mapping")]
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
    public void ErrorsInAnInheritedPresetNameTheFileThatWroteTheKey()
    {
        string directory = NewDirectory();
        Write(directory, "parent.yaml", "model: {layers: 2, heads: 2, width: 32}\ntraining:\n  steps: many\n");
        string child = Write(directory, "child.yaml", "inherit: parent\nmodel:\n  layers: 3\n");
        Assert.Contains("parent.yaml:3: training.steps: expected an integer, got 'many'", Assert.Throws<InvalidDataException>(() => PresetLoader.Load(child)).Message);

        Write(directory, "good.yaml", "model: {layers: 2, heads: 2, width: 32}\n");
        string typo = Write(directory, "typo.yaml", "inherit: good\nmodel:\n  layerz: 3\n");
        Assert.Contains("typo.yaml:3: model.layerz: unknown key", Assert.Throws<InvalidDataException>(() => PresetLoader.Load(typo)).Message);
        string orphan = Write(directory, "orphan.yaml", "inherit: nowhere\n");
        Assert.Contains("orphan.yaml:1: inherit: unknown preset 'nowhere'", Assert.Throws<InvalidDataException>(() => PresetLoader.Load(orphan)).Message);
    }

    [Fact]
    public void UnknownPresetAndBadOverrideAreRejected()
    {
        Assert.Contains("unknown preset 'nope'", Assert.Throws<ArgumentException>(() => PresetLoader.Load("nope")).Message);
        // A bad override is an error of the Overrides setting (the CLI names its --set option), not of a file.
        var malformed = Assert.Throws<InvalidSettingException>(() => PresetLoader.Load("quick", ["training.steps"]));
        Assert.Equal(PresetLoader.OverridesSetting, malformed.Setting);
        Assert.Contains("expected key.path=value, got 'training.steps'", malformed.Message);
        var unknown = Assert.Throws<InvalidSettingException>(() => PresetLoader.Load("quick", ["training.stepz=3"]));
        Assert.Equal(PresetLoader.OverridesSetting, unknown.Setting);
        Assert.Contains("training.stepz: unknown key", unknown.Message);
        var mistyped = Assert.Throws<InvalidSettingException>(() => PresetLoader.Load("quick", ["model.layers=two"]));
        Assert.Contains("model.layers: expected an integer, got 'two'", mistyped.Message);
    }
}
