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
    public static DirectoryLock Take(string path, string setting = "Directory") =>
        TryTake(path, setting) ?? throw new InvalidSettingException(setting, $"directory '{path}' is in use by another selfcorrect process");

    /// <summary>Takes the lock of <paramref name="path"/>, or returns null when another process holds it.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="setting">The setting that named the directory, for errors.</param>
    /// <param name="fileName">The lock file: <see cref="FileName"/>, or another that locks one part of the directory's work.</param>
    public static DirectoryLock? TryTake(string path, string setting = "Directory", string fileName = FileName)
    {
        if (File.Exists(path)) throw new InvalidSettingException(setting, $"'{path}' is a file, not a directory");
        Directory.CreateDirectory(path);
        try
        {
            return new DirectoryLock(new FileStream(Path.Combine(path, fileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the lock of <paramref name="path"/>, waiting while another process holds it: for short critical sections
    /// (writing a merged summary) that concurrent shards of one job take in turn.
    /// </summary>
    public static DirectoryLock TakeWaiting(string path, string setting, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryTake(path, setting) is { } taken) return taken;
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Releases the lock (the file stays).</summary>
    public void Dispose() => stream.Dispose();
}
