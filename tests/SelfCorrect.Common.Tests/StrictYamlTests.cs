namespace SelfCorrect.Common.Tests;

public sealed class StrictYamlTests
{
    public enum Optimiser { Sgd, AdamW }

    public sealed class ModelSettings
    {
        public int Layers { get; set; } = 2;
        public bool Bias { get; set; }
        public Optimiser Optimiser { get; set; } = Optimiser.Sgd;
    }

    public sealed class ExperimentSettings
    {
        public string Name { get; set; } = "";
        public double LearningRate { get; set; }
        public int? Seed { get; set; } = 7;
        public List<int> Widths { get; set; } = [];
        public string[] Tags { get; set; } = [];
        public Dictionary<string, double> Weights { get; set; } = [];
        public ModelSettings Model { get; set; } = new();
    }

    private static ExperimentSettings Bind(TemporaryDirectory directory, string yaml)
    {
        string path = directory.PathOf("experiment.yaml");
        File.WriteAllText(path, yaml);
        return StrictYaml.Bind<ExperimentSettings>(StrictYaml.Read(path), StrictYaml.In(path));
    }

    private static string Error(string yaml)
    {
        using var directory = new TemporaryDirectory();
        return Assert.Throws<InvalidDataException>(() => Bind(directory, yaml)).Message.Replace(directory.PathOf("experiment.yaml"), "experiment.yaml");
    }

    [Fact]
    public void Bind_EveryKindOfValue_SnakeCaseKeys()
    {
        using var directory = new TemporaryDirectory();

        var settings = Bind(directory, """
            name: quick
            learning_rate: 1e-3
            seed: ~
            widths: [32, 64]
            tags:
              - small
              - "fast"
            weights: {cosine: 0.5, l2: 2}
            model:
              layers: 4
              bias: yes
              optimiser: adam_w
            """);

        Assert.Equal("quick", settings.Name);
        Assert.Equal(1e-3, settings.LearningRate);
        Assert.Null(settings.Seed);
        Assert.Equal([32, 64], settings.Widths);
        Assert.Equal(["small", "fast"], settings.Tags);
        Assert.Equal(new Dictionary<string, double> { ["cosine"] = 0.5, ["l2"] = 2 }, settings.Weights);
        Assert.Equal((4, true, Optimiser.AdamW), (settings.Model.Layers, settings.Model.Bias, settings.Model.Optimiser));
    }

    [Fact]
    public void Bind_AbsentKeys_KeepTheirDefaults_AndAnEmptyFileIsAllDefaults()
    {
        using var directory = new TemporaryDirectory();

        var settings = Bind(directory, "model:\n  bias: true\n");
        var empty = Bind(directory, "");

        Assert.Equal((2, true, Optimiser.Sgd, 7), (settings.Model.Layers, settings.Model.Bias, settings.Model.Optimiser, settings.Seed));
        Assert.Equal(("", 2, 7), (empty.Name, empty.Model.Layers, empty.Seed));
    }

    [Fact]
    public void UnknownKey_NamesFileLineAndDottedKey_AndTheKnownKeys()
    {
        Assert.Equal("experiment.yaml:3: model.layerz: unknown key (known here: layers, bias, optimiser)",
            Error("name: x\nmodel:\n  layerz: 3\n"));
        Assert.StartsWith("experiment.yaml:1: learning_rat: unknown key (known here: name, learning_rate, seed, widths, tags, weights, model)",
            Error("learning_rat: 0.1\n"));
    }

    [Theory]
    [InlineData("learning_rate: fast\n", "experiment.yaml:1: learning_rate: expected a number, got 'fast'")]
    [InlineData("name: x\nmodel:\n  layers: two\n", "experiment.yaml:3: model.layers: expected an integer, got 'two'")]
    [InlineData("model:\n  bias: maybe\n", "experiment.yaml:2: model.bias: expected true or false, got 'maybe'")]
    [InlineData("seed: 1.5\n", "experiment.yaml:1: seed: expected an integer, got '1.5'")]
    [InlineData("name: [a, b]\n", "experiment.yaml:1: name: expected text, got a list")]
    public void WrongType_NamesFileLineAndKey(string yaml, string expected) => Assert.Equal(expected, Error(yaml));

    [Fact]
    public void Enum_ByItsSnakeCaseName_AnythingElseListsTheNames()
    {
        using var directory = new TemporaryDirectory();
        Assert.Equal(Optimiser.AdamW, Bind(directory, "model: {optimiser: adam_w}\n").Model.Optimiser);
        Assert.Equal(Optimiser.AdamW, Bind(directory, "model: {optimiser: AdamW}\n").Model.Optimiser);

        Assert.Equal("experiment.yaml:2: model.optimiser: expected one of sgd, adam_w, got 'adam'", Error("model:\n  optimiser: adam\n"));
    }

    [Fact]
    public void Lists_EachItemIsChecked_AndAScalarIsNotAList()
    {
        Assert.Equal("experiment.yaml:1: widths[1]: expected an integer, got 'wide'", Error("widths: [32, wide]\n"));
        Assert.Equal("experiment.yaml:3: tags[1]: expected text, got a mapping", Error("tags:\n  - a\n  - {b: c}\n"));
        Assert.Equal("experiment.yaml:1: widths: expected a list, got a single value", Error("widths: 32\n"));
    }

    [Fact]
    public void Nested_AScalarWhereAMappingBelongs_IsAnError()
    {
        Assert.Equal("experiment.yaml:1: model: expected a mapping of keys to values, got a single value", Error("model: big\n"));
        Assert.Equal("experiment.yaml:2: weights.l2: expected a number, got 'x'", Error("weights:\n  l2: x\n"));
    }

    [Theory]
    [InlineData("name: x\nwidths: [1, 2\n", "experiment.yaml:3: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("name: x\nmodel: 'unclosed\n", "experiment.yaml:2: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("name: x\n  bad: y\n", "experiment.yaml:2: While scanning a plain scalar value, found invalid mapping.")]
    // An open flow collection followed by more lines makes YamlDotNet fail without a position: the last line it read is named.
    [InlineData("name: x\nwidths: [1, 2\nmodel: {}\n", "experiment.yaml:2: malformed YAML (a [ or { left open?)")]
    public void SyntaxError_NamesFileAndLine(string yaml, string expected) => Assert.Equal(expected, Error(yaml));

    [Fact]
    public void MissingFile_NamesIt()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("absent.yaml");

        Assert.Equal($"{path}: file not found", Assert.Throws<FileNotFoundException>(() => StrictYaml.Read(path)).Message);
    }

    [Fact]
    public void ReadMapping_TopLevelList_IsAnError()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("list.yaml");
        File.WriteAllText(path, "- a\n- b\n");

        Assert.Equal($"{path}:1: expected a mapping of keys to values at the top level", Assert.Throws<InvalidDataException>(() => StrictYaml.ReadMapping(path)).Message);
    }
}
