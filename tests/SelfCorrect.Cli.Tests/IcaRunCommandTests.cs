namespace SelfCorrect.Cli.Tests;

public class IcaRunCommandTests
{
    private static readonly string[] Tiny = ["--preset", "tiny", "--set", "training.steps=4", "--set", "training.checkpoint_every=2", "--set", "training.log_every=1", "--set", "evaluation.contexts=32", "--set", "evaluation.noise_levels=[0, 1]"];

    [Fact]
    public async Task RunTrainsEvaluatesAndWritesBothResults()
    {
        string run = CliRunner.TemporaryDirectory();
        var result = await CliRunner.RunAsync(["ica", "run", .. Tiny, "--out", run]);
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string file in new[] { "config.yaml", "train_log.csv", "checkpoint.bin", "eval/errors.csv", "eval/summary.json", "eval/transformer_vs_gd.csv",
                     "eval/error_one_minus_cosine.png", "eval/error_normalized_squared_error.svg", "noise/errors.csv", "noise/transformer_one_minus_cosine.png", "noise/gd-pl_one_minus_cosine.svg" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.Contains("(a) 1 - cos", result.Output);
        Assert.Contains("cosine_to_gd", result.Output);
        Assert.Contains("Transformer p=1", result.Output);
        Assert.Equal(["step", "1", "2", "3", "4"], File.ReadLines(Path.Combine(run, "train_log.csv")).Select(l => l.Split(',')[0]));

        // Never overwritten silently; --resume of a finished run re-evaluates; eval and noise redo the parts.
        var again = await CliRunner.RunAsync(["ica", "run", .. Tiny, "--out", run]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Error);
        byte[] checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoint.bin"));
        string log = File.ReadAllText(Path.Combine(run, "train_log.csv"));
        File.Delete(Path.Combine(run, "eval/summary.json"));
        File.Delete(Path.Combine(run, "noise/errors.csv"));
        var resumed = await CliRunner.RunAsync("ica", "run", "--out", run, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        // Nothing left to train: the weights and the log stay; both results are computed again.
        Assert.Contains("trained 4 steps", resumed.Output);
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(run, "checkpoint.bin")));
        Assert.Equal(log, File.ReadAllText(Path.Combine(run, "train_log.csv")));
        Assert.Contains("(a) 1 - cos", resumed.Output);
        Assert.Contains("Transformer p=1", resumed.Output);
        Assert.True(File.Exists(Path.Combine(run, "eval/summary.json")) && File.Exists(Path.Combine(run, "noise/errors.csv")));

        File.Delete(Path.Combine(run, "eval/summary.json"));
        var evaluated = await CliRunner.RunAsync("ica", "eval", "--run", run);
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        Assert.Contains("(a) 1 - cos", evaluated.Output);
        Assert.DoesNotContain("Transformer p=1", evaluated.Output);
        Assert.True(File.Exists(Path.Combine(run, "eval/summary.json")));

        File.Delete(Path.Combine(run, "noise/errors.csv"));
        var noise = await CliRunner.RunAsync("ica", "noise", "--run", run);
        Assert.True(noise.ExitCode == 0, noise.Error);
        Assert.Contains("Transformer p=1", noise.Output);
        Assert.DoesNotContain("(a) 1 - cos", noise.Output);
        // Both noise levels of the run's config, for the transformer.
        var learners = File.ReadLines(Path.Combine(run, "noise/errors.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        Assert.Contains("Transformer p=0", learners);
        Assert.Contains("Transformer p=1", learners);
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(run, "checkpoint.bin")));
    }

    [Fact]
    public async Task ResumeRejectsDifferentSettings()
    {
        string run = CliRunner.TemporaryDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync(["ica", "train", .. Tiny, "--out", run])).ExitCode);
        var result = await CliRunner.RunAsync(["ica", "train", .. Tiny, "--set", "model.layers=3", "--out", run, "--resume"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("differ", result.Error);
    }

    [Theory]
    [InlineData("--preset", "nonexistent", "--preset: unknown preset 'nonexistent'")]
    [InlineData("--set", "model.layerz=2", "--set: 'model.layerz=2': model.layerz: unknown key")]
    [InlineData("--set", "model.layers=two", "--set: 'model.layers=two': model.layers: expected an integer, got 'two'")]
    [InlineData("--set", "training.steps", "--set: expected key.path=value")]
    [InlineData("--set", "model.heads=3", "--set: model.heads: 3 heads do not divide width 32")]
    [InlineData("--set", "training.steps=0", "--set: training.steps")]
    [InlineData("--set", "task.n=1", "--set: task.n")]
    public async Task BadSettingsGiveOneLineAndExitTwo(string option, string value, string expected)
    {
        string run = CliRunner.TemporaryDirectory();
        string[] preset = option == "--preset" ? [] : ["--preset", "tiny"];
        var result = await CliRunner.RunAsync(["ica", "run", .. preset, option, value, "--out", run]);
        result.AssertOneLineUsageError(expected);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public async Task EvaluationRejectsMissingUnfinishedAndCorruptRuns()
    {
        var missing = await CliRunner.RunAsync("ica", "eval", "--run", CliRunner.TemporaryDirectory());
        Assert.Equal(2, missing.ExitCode);

        string run = CliRunner.TemporaryDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync(["ica", "train", .. Tiny, "--out", run])).ExitCode);
        File.WriteAllText(Path.Combine(run, "checkpoint.bin"), "torn");
        var corrupt = await CliRunner.RunAsync("ica", "noise", "--run", run);
        Assert.Equal(2, corrupt.ExitCode);
        Assert.Contains("checkpoint", corrupt.Error);

        // A config edited after training no longer matches the checkpoint.
        string other = CliRunner.TemporaryDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync(["ica", "train", .. Tiny, "--out", other])).ExitCode);
        string configPath = Path.Combine(other, "config.yaml");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("width: 32", "width: 16"));
        var mismatched = await CliRunner.RunAsync("ica", "eval", "--run", other);
        Assert.Equal(2, mismatched.ExitCode);
        Assert.Contains("other model or training settings", mismatched.Error);
    }
}
