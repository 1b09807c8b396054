namespace SelfCorrect.Common;

/// <summary>
/// An exclusive lock on a directory: <see cref="FileName"/> inside it, held open without sharing, so two processes
/// never write the same results. Taking it creates the directory when needed; disposing releases it (the file stays).
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly FileStream stream;

    private DirectoryLock(FileStream stream) => this.stream = stream;

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

    public void Dispose() => stream.Dispose();
}
