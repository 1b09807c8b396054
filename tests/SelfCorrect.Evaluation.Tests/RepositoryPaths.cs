namespace SelfCorrect.Evaluation.Tests;

/// <summary>Paths of things outside the test's own output: the repository root, the tiny model, the built CLI.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string TinyGguf => Path.GetFullPath(Path.Combine(Root, "..", "shared", "models", "llama-2-tiny-random.gguf"));

    /// <summary>The CLI as built next to this test (same configuration), run as a child process with <c>dotnet</c>.</summary>
    public static string CliDll
    {
        get
        {
            // The test runs from tests/X/bin/CONFIGURATION/net10.0/RID/.
            var parts = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory).Split(Path.DirectorySeparatorChar);
            string configuration = parts[Array.LastIndexOf(parts, "bin") + 1];
            return Path.Combine(Root, "src", "SelfCorrect.Cli", "bin", configuration, "net10.0", "linux-x64", "selfcorrect.dll");
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "SelfCorrect.slnx"))) return directory.FullName;
        throw new InvalidOperationException("repository root (SelfCorrect.slnx) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact skipped, saying why, when the tiny GGUF model is absent.</summary>
public sealed class TinyModelFactAttribute : FactAttribute
{
    public TinyModelFactAttribute()
    {
        if (!File.Exists(RepositoryPaths.TinyGguf)) Skip = $"tiny GGUF model not found at {RepositoryPaths.TinyGguf}";
    }
}
