namespace SelfCorrect.Cli.Tests;

public class IcaSweepCommandTests
{
    /// <summary>Two tiny configurations of the tiny preset: seconds to train, enough to exercise every output.</summary>
    private const string MicroSweep = """
        axis: micro
        title: Micro sweep
        base: tiny
        k: [2, 7]
        claims: ["two-layers < one-layer"]
        configurations:
          - name: one-layer
            set: {model.layers: 1, training.steps: 6, training.checkpoint_every: 3}
          - name: two-layers
            set: {training.steps: 6, training.checkpoint_every: 3, training.log_every: 1}
        """;

    private static string WriteSweep(string yaml, string name = "micro.yaml")
    {
        string directory = CliRunner.TemporaryDirectory();
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task MicroSweepWritesRunsTableFiguresAndReportThenSkipsFinishedRuns()
    {
        string sweep = WriteSweep(MicroSweep);
        string output = Path.Combine(Path.GetDirectoryName(sweep)!, "out");
        var result = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", output, "--threads", "1");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);

        foreach (string file in new[] { "report.md", "summary.csv", "micro_reference.png", "micro_reference.svg", "micro_noisy.png", "micro_noisy.svg",
                     "micro/one-layer/seed-0/checkpoint.bin", "micro/one-layer/seed-0/config.yaml", "micro/two-layers/seed-0/train_log.csv" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        // The table: one row per configuration plus the baseline, a column per (task, k).
        string[] table = result.Output.Split('\n');
        Assert.Contains(table, line => line.StartsWith("configuration") && line.Contains("reference k=2") && line.Contains("noisy k=7"));
        Assert.Contains(table, line => line.StartsWith("one-layer "));
        Assert.Contains(table, line => line.StartsWith("two-layers "));
        Assert.Contains(table, line => line.StartsWith("MeanResponse "));
        var summary = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Contains(summary, line => line.StartsWith("micro,one-layer,transformer,reference,0,one_minus_cosine,7,1,"));
        Assert.Contains(summary, line => line.StartsWith("micro,two-layers,transformer,noisy,0,normalized_squared_error,2,1,"));
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("`two-layers < one-layer`", report);
        Assert.Contains("causal", report);
        Assert.Contains("micro_noisy.png", report);
        Assert.Contains("noisy (transfer, trained on reference), k=7", report);   // the models trained on the reference task

        // A rerun trains nothing: both runs finished; their checkpoints stay as they were.
        string checkpoint = Path.Combine(output, "micro/two-layers/seed-0/checkpoint.bin");
        byte[] before = File.ReadAllBytes(checkpoint);
        var again = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", output, "--threads", "1");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(2, again.Output.Split('\n').Count(line => line.Contains("finished earlier, skipped")));
        Assert.DoesNotContain("training 6 steps", again.Output);
        Assert.Contains("training 6 steps (1 thread(s))", result.Output);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.Equal(summary, File.ReadAllLines(Path.Combine(output, "summary.csv")));

        // A directory that is not this sweep's is never overwritten silently.
        string foreign = CliRunner.TemporaryDirectory();
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "keep me");
        var refused = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", foreign);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(foreign, "notes.txt")));
    }

    [Theory]
    [InlineData("axis: a\nbase: tiny\nconfiguratons: []\n", "micro.yaml:3: configuratons: unknown key")]
    [InlineData("axis: a\nbase: tiny\nconfigurations:\n  - name: x\n    set: {model.layerz: 2}\n", "micro.yaml:5: configuration 'x': model.layerz: unknown key")]
    [InlineData("axis: a\nbase: tiny\nconfigurations:\n  - name: x\n    sett: {model.layers: 2}\n", "micro.yaml:5: configurations[0].sett: unknown key")]
    [InlineData("axis: a\nbase: tiny\nconfigurations: []\n", "micro.yaml:3: 'configurations' is an empty list")]
    [InlineData("axis: a\nbase: tiny\nconfigurations:\n  - name: x\n  - name: x\n    set: {model.layers: 1}\n", "micro.yaml:5: duplicate configuration name 'x' (first at line 4)")]
    [InlineData("axis: a\nbase: tiny\nconfigurations:\n  - name: x\n    set: {evaluation.contexts: 5}\n", "is sweep-wide")]
    [InlineData("axis: a\nbase: tiny\nclaims: [\"x < y\"]\nconfigurations:\n  - name: x\n", "'y' is not a configuration")]
    [InlineData("axis: a\nbase: tiny\nk: [20]\nconfigurations:\n  - name: x\n", "k: 20 is outside 1..7")]
    [InlineData("axis: a\nbase: nowhere\nconfigurations:\n  - name: x\n", "micro.yaml:2: base: unknown preset 'nowhere'")]
    [InlineData("axis: a\nbase: tiny\nconfigurations:\n  - name: x\n    set: {model.heads: 3}\n", "heads do not divide width")]
    [InlineData("axis: a\nbase: tiny\nk: [two]\nconfigurations:\n  - name: x\n", "micro.yaml:3: k[0]: expected an integer, got 'two'")]
    [InlineData("axis: a\nbase: tiny\nconfigurations:\n  - name: x\n    set: {model.layers: two}\n", "micro.yaml:5: configuration 'x': model.layers: expected an integer, got 'two'")]
    public async Task BadSweepFilesGiveOneLineAndExitTwo(string yaml, string expected)
    {
        string sweep = WriteSweep(yaml);
        string output = Path.Combine(Path.GetDirectoryName(sweep)!, "out");
        var result = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--out", output);
        result.AssertOneLineUsageError(expected);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task DuplicateAxesInASuiteAndBadOptionsAreRejected()
    {
        string axis = WriteSweep(MicroSweep);
        string suite = Path.Combine(Path.GetDirectoryName(axis)!, "suite.yaml");
        File.WriteAllText(suite, "include: [micro, micro.yaml]\n");
        var duplicate = await CliRunner.RunAsync("ica", "sweep", "--preset", suite);
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("suite.yaml:1: duplicate axis name 'micro'", duplicate.Error);

        (await CliRunner.RunAsync("ica", "sweep", "--preset", axis, "--parallel", "0")).AssertOneLineUsageError("--parallel: must be at least 1 (got 0)");
        (await CliRunner.RunAsync("ica", "sweep", "--preset", axis, "--seeds", "0")).AssertOneLineUsageError("--seeds: must be at least 1 (got 0)");
        Assert.Contains("--preset: unknown preset 'no-such-sweep'", (await CliRunner.RunAsync("ica", "sweep", "--preset", "no-such-sweep")).Error);
    }
}
