namespace SelfCorrect.Testing;

/// <summary>Paths of things outside a test's own output: the repository root and the built CLI.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding SelfCorrect.slnx, above the test's output; null when the test runs elsewhere.</summary>
    public static string? Root { get; } = FindRoot();

    /// <summary>The CLI as built next to this test (same configuration), run as a child process with <c>dotnet</c>.</summary>
    public static string CliDll
    {
        get
        {
            string root = Root ?? throw new InvalidOperationException("repository root (SelfCorrect.slnx) not found above " + AppContext.BaseDirectory);
            // The test runs from tests/X/bin/CONFIGURATION/net10.0/RID/.
            var parts = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory).Split(Path.DirectorySeparatorChar);
            string configuration = parts[Array.LastIndexOf(parts, "bin") + 1];
            return Path.Combine(root, "src", "SelfCorrect.Cli", "bin", configuration, "net10.0", "linux-x64", "selfcorrect.dll");
        }
    }

    private static string? FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "SelfCorrect.slnx"))) return directory.FullName;
        return null;
    }
}
