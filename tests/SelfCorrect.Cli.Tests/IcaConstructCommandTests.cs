using System.Globalization;

namespace SelfCorrect.Cli.Tests;

public class IcaConstructCommandTests
{
    [Theory]
    [InlineData("--beta", "0")]
    [InlineData("--beta", "-5")]
    [InlineData("--gap", "0")]
    [InlineData("--gap", "-0.05")]
    [InlineData("--n", "1")]
    [InlineData("--ablate", "no-heads")]
    [InlineData("--objective", "dpo")]
    [InlineData("--dtype", "float16")]
    [InlineData("--steps", "0")]
    [InlineData("--task", "noisy")]
    public async Task BadInputGivesOneLineErrorExitTwoAndWritesNothing(string option, string value)
    {
        string directory = CliRunner.TemporaryDirectory();
        var result = await CliRunner.RunAsync("ica", "construct", option, value, "--out", directory);
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line);
        Assert.Contains(option, line);
        Assert.False(Directory.Exists(directory));
    }

    /// <summary>Rows "error beta beta*gap max median", parsed from the printed table.</summary>
    private static List<(double BetaGap, double Max, double Median)> Rows(string output) =>
        output.Split('\n').Where(l => l.StartsWith("error ")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture), double.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public async Task PrintsErrorRowsAndWritesTheFigure()
    {
        string directory = CliRunner.TemporaryDirectory();
        var result = await CliRunner.RunAsync("ica", "construct", "--objective", "bt", "--contexts", "64", "--beta", "700", "--threads", "1", "--out", directory);
        Assert.True(result.ExitCode == 0, result.Error);
        var rows = Rows(result.Output);
        Assert.Equal(16, rows.Count);                                     // 15 default β·gap values plus the requested 35
        Assert.Contains(rows, r => Math.Abs(r.BetaGap - 35) < 1e-9 && r.Max <= 1e-9);
        Assert.Contains(rows, r => r.BetaGap == 1 && r.Max > 1e-3);
        Assert.Contains("decay slope", result.Output);
        foreach (string file in new[] { "errors.csv", "summary.json", "error_vs_beta_gap.png", "error_vs_beta_gap.svg" })
            Assert.True(new FileInfo(Path.Combine(directory, file)).Length > 0, file);
        Assert.Equal(17, File.ReadAllLines(Path.Combine(directory, "errors.csv")).Length);
    }

    [Fact]
    public async Task AblationsAndTheCausalConstructionRunFromTheCommandLine()
    {
        var deep = await CliRunner.RunAsync("ica", "construct", "--n", "4", "--steps", "2", "--contexts", "32", "--ablate", "one-head-deep", "--threads", "1", "--out", CliRunner.TemporaryDirectory());
        Assert.True(deep.ExitCode == 0, deep.Error);
        Assert.True(Rows(deep.Output).Single(r => r.BetaGap == 30).Max <= 1e-9);
        var shallow = await CliRunner.RunAsync("ica", "construct", "--n", "4", "--contexts", "32", "--ablate", "one-head", "--threads", "1", "--out", CliRunner.TemporaryDirectory());
        Assert.True(shallow.ExitCode == 0, shallow.Error);
        var shallowRows = Rows(shallow.Output);
        Assert.NotEmpty(shallowRows);
        Assert.All(shallowRows, r => Assert.True(r.Median > 0.1));
        var causal = await CliRunner.RunAsync("ica", "construct", "--n", "4", "--contexts", "16", "--causal", "--threads", "1", "--out", CliRunner.TemporaryDirectory());
        Assert.True(causal.ExitCode == 0, causal.Error);
        Assert.Equal(3, causal.Output.Split('\n').Count(l => l.StartsWith("error-prefix k=")));
        Assert.True(Rows(causal.Output).Single(r => r.BetaGap == 30).Max <= 1e-9);
    }

    /// <summary>"error-spacing" rows: the low edge of β·Δ and the max error of the contexts in that bin.</summary>
    private static List<(double Low, double Max)> SpacingRows(string output) =>
        output.Split('\n').Where(l => l.StartsWith("error-spacing ")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (double.Parse(f[3].Trim('[', ','), CultureInfo.InvariantCulture), double.Parse(f[^1], CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public async Task OnTheReferenceTaskTheSelectionMisfiresWhereRewardsAreCloserThanTheGap()
    {
        var reference = await CliRunner.RunAsync("ica", "construct", "--task", "reference", "--n", "6", "--contexts", "64", "--threads", "1", "--out", CliRunner.TemporaryDirectory());
        Assert.True(reference.ExitCode == 0, reference.Error);
        Assert.True(Rows(reference.Output).Single(r => r.BetaGap == 30).Max > 0.1);       // O(1) at the β where separated contexts are exact
        Assert.Contains(SpacingRows(reference.Output), r => r.Low < 4 && r.Max > 0.1);
        var separated = await CliRunner.RunAsync("ica", "construct", "--task", "separated", "--n", "6", "--contexts", "64", "--threads", "1", "--out", CliRunner.TemporaryDirectory());
        Assert.True(separated.ExitCode == 0, separated.Error);
        var bins = SpacingRows(separated.Output);
        Assert.NotEmpty(bins);
        Assert.All(bins, r => Assert.True(r.Low >= 30 && r.Max <= 1e-9));
    }
}
