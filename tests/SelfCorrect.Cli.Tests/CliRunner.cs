using System.Diagnostics;

namespace SelfCorrect.Cli.Tests;

/// <summary>Runs the real CLI in-process with captured output, or the built selfcorrect.dll as a child process.</summary>
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
        int exitCode = await CliApp.RunAsync(LabCli.BuildRootCommand(), args, output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The built CLI as a child process (<c>dotnet selfcorrect.dll</c>), for the kill-and-resume tests:
    /// <paramref name="started"/> gets the process as soon as it runs, to kill it from elsewhere. Returns the exit code
    /// (137 after a SIGKILL) and standard error.
    /// </summary>
    public static async Task<(int ExitCode, string Error)> RunChildAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        Action<Process> started)
    {
        Assert.True(File.Exists(RepositoryPaths.CliDll), $"the CLI is not built at {RepositoryPaths.CliDll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.CliDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var child = Process.Start(start)!;
        started(child);
        var stderr = child.StandardError.ReadToEndAsync();
        _ = child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (child.ExitCode, await stderr);
    }

    /// <summary>Complete lines in a file another process may be writing (0 when it does not exist yet).</summary>
    public static int LineCount(string path)
    {
        if (!File.Exists(path)) return 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Count(c => c == '\n');
    }

    public static string TemporaryDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
