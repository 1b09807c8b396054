namespace SelfCorrect.Common;

/// <summary>What a run directory holds: a training run, a sweep, an evaluation, ...</summary>
/// <param name="Name">Written into the marker and said in messages ("training run", "sweep").</param>
/// <param name="EarlierMarkers">Files that identified this kind before <see cref="RunDirectory.MarkerFile"/> existed.</param>
public sealed record RunKind(string Name, params string[] EarlierMarkers)
{
    /// <summary>The kind's name.</summary>
    public override string ToString() => Name;
}

/// <summary>
/// The one convention for every directory the project writes results into. A run directory carries a marker
/// (<see cref="MarkerFile"/>, naming its kind) and, while a process works in it, an exclusive lock
/// (<see cref="LockFile"/>), so two processes never write the same run. A directory is replaced only when it is a run
/// of the same kind and only after its lock is taken; a directory of anything else is never deleted.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    /// <summary>The file that marks a run directory and names its kind.</summary>
    public const string MarkerFile = ".selfcorrect-run";

    /// <summary>The file a process holds exclusively while it works in the directory.</summary>
    public const string LockFile = DirectoryLock.FileName;

    private readonly DirectoryLock directoryLock;

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>What the directory holds.</summary>
    public RunKind Kind { get; }

    /// <summary>True when the directory already held a run of this kind that the caller continues.</summary>
    public bool Existed { get; }

    private RunDirectory(string path, RunKind kind, DirectoryLock directoryLock, bool existed)
    {
        Path = path;
        Kind = kind;
        this.directoryLock = directoryLock;
        Existed = existed;
    }

    /// <summary>The path of <paramref name="fileName"/> inside the directory.</summary>
    /// <param name="fileName">A file name (or relative path) in the run.</param>
    public string PathOf(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <summary>
    /// A fresh run: the directory must be new or empty, or, with <paramref name="replace"/>, a run of this kind,
    /// whose contents are removed once the lock is held.
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <param name="kind">What it holds.</param>
    /// <param name="replace">Whether an existing run of this kind is replaced.</param>
    /// <param name="setting">The setting that named the directory, for errors.</param>
    /// <param name="replaceSetting">The setting that asks for replacement, mentioned when it would help.</param>
    public static RunDirectory Create(string path, RunKind kind, bool replace, string setting = "Directory", string replaceSetting = "Replace") =>
        Open(path, kind, setting, onExistingRun: directory =>
        {
            if (!replace)
                throw new InvalidSettingException(setting, $"'{path}' already holds a selfcorrect {kind}; set {{{replaceSetting}}} to replace it or choose another directory");
            directory.Clear();
            return false;
        })!;

    /// <summary>A new run, or the continuation of the run of this kind the directory already holds.</summary>
    public static RunDirectory CreateOrContinue(string path, RunKind kind, bool replace, string setting = "Directory") =>
        Open(path, kind, setting, onExistingRun: ContinueOrReplace(replace))!;

    /// <summary>
    /// Like <see cref="CreateOrContinue"/>, without replacing, but null when another process holds the directory: for
    /// work that concurrent processes share out (a sharded sweep's trainings), where a busy directory is someone else's.
    /// </summary>
    public static RunDirectory? TryCreateOrContinue(string path, RunKind kind, string setting = "Directory") =>
        Open(path, kind, setting, onExistingRun: _ => true, mustExist: false, takeLock: () => DirectoryLock.TryTake(path, setting));

    /// <summary>
    /// Like <see cref="CreateOrContinue"/>, but waits while another process holds the directory: for the short steps
    /// (checking settings, writing a merged summary) that concurrent shards of one job take in turn.
    /// </summary>
    public static RunDirectory CreateOrContinueWaiting(string path, RunKind kind, bool replace, string setting = "Directory",
        CancellationToken cancellationToken = default) =>
        Open(path, kind, setting, onExistingRun: ContinueOrReplace(replace), mustExist: false, takeLock: () => DirectoryLock.TakeWaiting(path, setting, cancellationToken))!;

    /// <summary>An existing run of this kind, to continue or to read and add results to.</summary>
    public static RunDirectory OpenExisting(string path, RunKind kind, string setting = "Directory")
    {
        if (!Directory.Exists(path)) throw new InvalidSettingException(setting, $"directory '{path}' not found");
        return Open(path, kind, setting, onExistingRun: _ => true, mustExist: true)!;
    }

    /// <summary>True when <paramref name="path"/> is a directory holding a run of <paramref name="kind"/>.</summary>
    public static bool Holds(string path, RunKind kind)
    {
        string marker = System.IO.Path.Combine(path, MarkerFile);
        if (File.Exists(marker)) return File.ReadAllText(marker).Trim() == kind.Name;
        return kind.EarlierMarkers.Any(file => File.Exists(System.IO.Path.Combine(path, file)));
    }

    private static Func<RunDirectory, bool> ContinueOrReplace(bool replace) => directory =>
    {
        if (!replace) return true;
        directory.Clear();
        return false;
    };

    private static RunDirectory? Open(string path, RunKind kind, string setting, Func<RunDirectory, bool> onExistingRun, bool mustExist = false,
        Func<DirectoryLock?>? takeLock = null)
    {
        if (File.Exists(path)) throw new InvalidSettingException(setting, $"'{path}' is a file, not a directory");
        // Checked before the lock file is made too, so that a directory of anything else is left exactly as it was.
        if (Directory.Exists(path)) RefuseUnlessRunOrEmpty(path, kind, setting, mustExist);
        var directoryLock = takeLock is null ? DirectoryLock.Take(path, setting) : takeLock();
        if (directoryLock is null) return null;
        var directory = new RunDirectory(path, kind, directoryLock, existed: false);
        try
        {
            if (Holds(path, kind))
                return new RunDirectory(path, kind, directoryLock, onExistingRun(directory));
            RefuseUnlessRunOrEmpty(path, kind, setting, mustExist);
            AtomicFile.WriteAllText(directory.PathOf(MarkerFile), kind.Name + "\n");
            return directory;
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    private static void RefuseUnlessRunOrEmpty(string path, RunKind kind, string setting, bool mustExist)
    {
        if (Holds(path, kind)) return;
        if (mustExist)
            throw new InvalidSettingException(setting, $"'{path}' is not a selfcorrect {kind}");
        if (Directory.EnumerateFileSystemEntries(path).Any(entry => !IsLockOrMarkerBeingWritten(System.IO.Path.GetFileName(entry))))
            throw new InvalidSettingException(setting, $"'{path}' holds files that are not a selfcorrect {kind}; choose an empty or new directory");
    }

    /// <summary>
    /// The lock, or the marker's temporary file (<see cref="AtomicFile"/>) while another process that shares the run
    /// (a shard of the same job) writes it: neither makes the directory something else.
    /// </summary>
    private static bool IsLockOrMarkerBeingWritten(string name) =>
        name == LockFile || (name.StartsWith($".{MarkerFile}.", StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal));

    /// <summary>Removes everything but the lock, then marks the directory as a run of this kind again.</summary>
    private void Clear()
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(Path))
        {
            if (System.IO.Path.GetFileName(entry) == LockFile) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        AtomicFile.WriteAllText(PathOf(MarkerFile), Kind.Name + "\n");
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => directoryLock.Dispose();
}
