namespace SelfCorrect.Cli.Tests;

/// <summary>Runs the real CLI in-process with captured output.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

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
