namespace SelfCorrect.Cli.Tests;

/// <summary><c>report</c>: the bad-input cases (a report of real runs is part of the end-to-end test in <see cref="EvalCommandTests"/>).</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public async Task Report_WithoutMetrics_OrSeveralRunsWithoutOut_IsBadInput()
    {
        string directory = Fixtures.TemporaryDirectory();
        var missing = await CliRunner.RunAsync("report", directory);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("has no metrics.json", missing.Error);
        (await CliRunner.RunAsync("report", directory, directory)).AssertOneLineUsageError("error: --out: required when several run directories are compared");
    }
}
