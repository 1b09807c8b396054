namespace SelfCorrect.Common;

/// <summary>
/// An exclusive lock on a directory: <see cref="FileName"/> inside it, held open without sharing, so two processes
/// never write the same results. Taking it creates the directory when needed; disposing releases it (the file stays).
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the directory.</summary>
    public const string FileName = ".lock";

    private readonly FileStream stream;

    private DirectoryLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock of <paramref name="path"/>; a lock another process holds is an error naming <paramref name="setting"/>.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="setting">The setting that named the directory, for errors.</param>
    public static DirectoryLock Take(string path, string setting = "Directory")
    {
        if (File.Exists(path)) throw new InvalidSettingException(setting, $"'{path}' is a file, not a directory");
        Directory.CreateDirectory(path);
        try
        {
            return new DirectoryLock(new FileStream(Path.Combine(path, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new InvalidSettingException(setting, $"directory '{path}' is in use by another selfcorrect process");
        }
    }

    /// <summary>Releases the lock (the file stays).</summary>
    public void Dispose() => stream.Dispose();
}
