namespace SelfCorrect.Cli.Tests;

/// <summary>Runs the real CLI in-process with captured output.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>The bad-input convention: exit code 2 and exactly one line on standard error, containing <paramref name="expected"/>.</summary>
        public void AssertOneLineUsageError(string expected)
        {
            Assert.Equal(2, ExitCode);
            string line = Assert.Single(Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(expected, line);
        }
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await CliApp.RunAsync(args, output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    public static string TemporaryDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
