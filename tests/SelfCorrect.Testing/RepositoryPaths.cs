namespace SelfCorrect.Testing;

/// <summary>Paths of things outside a test's own output: the repository root and the built programs.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding SelfCorrect.slnx, above the test's output; null when the test runs elsewhere.</summary>
    public static string? Root { get; } = FindRoot();

    /// <summary>The lab program (src/SelfCorrect.Cli) as built next to this test (same configuration), run as a child process with <c>dotnet</c>.</summary>
    public static string CliDll => BuiltDll("SelfCorrect.Cli", Path.Combine("linux-x64", "selfcorrect.dll"));

    /// <summary>The selfcorrect tool (src/SelfCorrect.Tool, no libtorch) as built next to this test, run with <c>dotnet</c>.</summary>
    public static string ToolDll => BuiltDll("SelfCorrect.Tool", "selfcorrect.dll");

    /// <summary>The build configuration of the running test (Debug, Release), which its src projects were built in too.</summary>
    public static string Configuration
    {
        get
        {
            // The test runs from tests/X/bin/CONFIGURATION/net10.0[/RID]/.
            var parts = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory).Split(Path.DirectorySeparatorChar);
            return parts[Array.LastIndexOf(parts, "bin") + 1];
        }
    }

    /// <summary>The repository root, or an exception naming where it was looked for.</summary>
    public static string RequiredRoot => Root ?? throw new InvalidOperationException("repository root (SelfCorrect.slnx) not found above " + AppContext.BaseDirectory);

    private static string BuiltDll(string project, string relativePath) =>
        Path.Combine(RequiredRoot, "src", project, "bin", Configuration, "net10.0", relativePath);

    private static string? FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "SelfCorrect.slnx"))) return directory.FullName;
        return null;
    }
}
