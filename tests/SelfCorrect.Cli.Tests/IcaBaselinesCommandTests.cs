namespace SelfCorrect.Cli.Tests;

public class IcaBaselinesCommandTests
{
    [Theory]
    [InlineData("--task", "linear")]
    [InlineData("--d", "0")]
    [InlineData("--n", "1")]
    [InlineData("--noise", "1.5")]
    [InlineData("--noise", "-0.1")]
    [InlineData("--contexts", "0")]
    [InlineData("--threads", "0")]
    [InlineData("--bogus", "1")]
    public async Task BadInputGivesOneLineErrorExitTwoAndWritesNothing(string option, string value)
    {
        string directory = CliRunner.TemporaryDirectory();
        var result = await CliRunner.RunAsync("ica", "baselines", option, value, "--out", directory);
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line);
        Assert.Contains(option, line);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task WritesCsvJsonPlotsAndTableAndRefusesToOverwrite()
    {
        string directory = CliRunner.TemporaryDirectory();
        var result = await CliRunner.RunAsync("ica", "baselines", "--n", "6", "--d", "3", "--contexts", "64", "--seed", "4", "--out", directory);
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string file in new[] { "errors.csv", "summary.json", "error_one_minus_cosine.png", "error_one_minus_cosine.svg", "error_normalized_squared_error.png" })
            Assert.True(new FileInfo(Path.Combine(directory, file)).Length > 0, file);
        string[] csv = File.ReadAllLines(Path.Combine(directory, "errors.csv"));
        Assert.Equal("learner,metric,k,mean,ci_low,ci_high,contexts", csv[0]);
        Assert.Equal(1 + 5 * 2 * 5, csv.Length); // 5 learners × 2 metrics × k = 1..5
        Assert.Contains("TwoPointExtrapolation", result.Output);
        Assert.Contains("GD step size", result.Output);

        string before = File.ReadAllText(Path.Combine(directory, "errors.csv"));
        var again = await CliRunner.RunAsync("ica", "baselines", "--n", "6", "--d", "3", "--contexts", "64", "--out", directory);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Error);
        Assert.Equal(before, File.ReadAllText(Path.Combine(directory, "errors.csv")));

        var forced = await CliRunner.RunAsync("ica", "baselines", "--n", "6", "--d", "3", "--contexts", "64", "--seed", "4", "--out", directory, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(before, File.ReadAllText(Path.Combine(directory, "errors.csv"))); // same seed, same numbers
    }
}
