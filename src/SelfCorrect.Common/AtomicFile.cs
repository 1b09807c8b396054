using System.Runtime.InteropServices;

namespace SelfCorrect.Common;

/// <summary>
/// Writes a file so that a crash or a full disk never leaves it half-written: the contents go to a temporary sibling,
/// which is flushed to the device, renamed over the target, and the directory entry is flushed too. On failure the
/// temporary file is removed and the old file, if any, stays as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="contents"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file to write or replace.</param>
    /// <param name="contents">The whole text of the file.</param>
    public static void WriteAllText(string path, string contents) => Write(path, temporary => File.WriteAllText(temporary, contents));

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file to write or replace.</param>
    /// <param name="contents">The whole contents of the file.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        byte[] copy = contents.ToArray();
        Write(path, temporary => File.WriteAllBytes(temporary, copy));
    }

    /// <summary>Lets <paramref name="writeTemporary"/> write the whole file at the path it is given, then puts it in place.</summary>
    public static void Write(string path, Action<string> writeTemporary)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
        try
        {
            writeTemporary(temporary);
            FlushToDevice(temporary);
            File.Move(temporary, path, overwrite: true);
            FlushDirectory(directory);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Forces a written file's data to the device (fsync).</summary>
    public static void FlushToDevice(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Forces a directory's entries (a rename, a new file) to the device, so the rename survives a power loss. .NET
    /// cannot open a directory as a stream, so this calls POSIX open/fsync; elsewhere renames are already durable.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int descriptor = Posix.open(directory, Posix.ReadOnly | Posix.Directory);
        if (descriptor < 0) return;
        try
        {
            Posix.fsync(descriptor);
        }
        finally
        {
            Posix.close(descriptor);
        }
    }

    private static class Posix
    {
        public const int ReadOnly = 0;
        // O_DIRECTORY: 0x10000 on Linux x64/arm64, 0x100000 on macOS.
        public static readonly int Directory = OperatingSystem.IsMacOS() ? 0x100000 : 0x10000;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int descriptor);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int descriptor);
    }
}
