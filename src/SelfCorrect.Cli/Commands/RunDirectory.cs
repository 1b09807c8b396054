namespace SelfCorrect.Cli.Commands;

/// <summary>Output directories are never overwritten silently: an existing non-empty one needs --force.</summary>
public static class RunDirectory
{
    public static void EnsureWritable(string path, bool force, string optionName = "--out")
    {
        if (File.Exists(path))
            throw new UsageException($"{optionName}: '{path}' is a file, not a directory");
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any() && !force)
            throw new UsageException($"{optionName}: '{path}' already holds results; pass --force to replace them or choose another directory");
    }

    /// <summary>With --force, the old contents go first so no stale file from an earlier run is left behind.</summary>
    public static void Prepare(string path, bool force)
    {
        EnsureWritable(path, force);
        if (force && Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path);
    }
}
