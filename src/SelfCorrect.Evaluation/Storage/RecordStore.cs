using System.Text;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// An append-only keyed JSON Lines file of a run (responses, judgements). Opening it reads what earlier attempts
/// wrote (so a rerun skips those samples), moves a torn last line (from a process killed mid-write) to
/// <c>FILE.torn</c> and cuts it off, and then appends one line per completed sample, flushed to the operating system
/// at once so a killed process loses at most the samples still in flight. The file is synced to the device
/// (<c>fsync</c>) after every <see cref="RecordSync.EveryRecords"/> lines or <see cref="RecordSync.Every"/>, whichever
/// comes first, and on closing, so a power loss loses at most that much. A malformed complete line stops the run
/// without touching the file.
/// </summary>
internal sealed class RecordStore<T> : IDisposable
{
    private readonly FileStream stream;
    private readonly HashSet<string> completed;
    private readonly Lock gate = new();
    private readonly RecordSync sync;
    private readonly System.Diagnostics.Stopwatch sinceSync = System.Diagnostics.Stopwatch.StartNew();
    private int unsynced;

    public string Path { get; }
    /// <summary>The torn fragment that was discarded on opening, if any.</summary>
    public string? DiscardedTornLine { get; }
    /// <summary>How many times the file was synced to the device so far.</summary>
    public int Syncs { get; private set; }

    private RecordStore(string path, JsonLinesFile.Contents<T> contents, RecordSync sync)
    {
        Path = path;
        this.sync = sync;
        DiscardedTornLine = contents.TornTail;
        completed = contents.Lines.Select(r => r.Key).ToHashSet();
        stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(contents.CompleteLength);
        stream.Seek(0, SeekOrigin.End);
        if (!contents.EndsWithNewline) WriteAndFlush("\n"u8.ToArray());
    }

    public static RecordStore<T> Open(string path, KeyedLineParser<T> parse, RecordSync sync)
    {
        if (!File.Exists(path)) File.WriteAllBytes(path, []);
        var contents = JsonLinesFile.Read(path, parse);
        if (contents.TornTail is not null) File.AppendAllText(path + ".torn", contents.TornTail + "\n");
        return new RecordStore<T>(path, contents, sync);
    }

    public bool Contains(string key)
    {
        lock (gate) return completed.Contains(key);
    }

    public int Count
    {
        get { lock (gate) return completed.Count; }
    }

    /// <summary>Writes one line for the key; a second line for the same key is a bug and is refused.</summary>
    public void Append(string key, string json)
    {
        byte[] line = Encoding.UTF8.GetBytes(json + "\n");
        lock (gate)
        {
            if (!completed.Add(key)) throw new InvalidOperationException($"sample {key} was already written to {Path}");
            WriteAndFlush(line);
            if (++unsynced >= sync.EveryRecords || sinceSync.Elapsed >= sync.Every) Sync();
        }
    }

    private void Sync()
    {
        stream.Flush(flushToDisk: true);
        Syncs++;
        unsynced = 0;
        sinceSync.Restart();
    }

    private void WriteAndFlush(byte[] bytes)
    {
        stream.Write(bytes);
        stream.Flush();
    }

    public void Dispose()
    {
        lock (gate)
        {
            try
            {
                Sync();
            }
            finally
            {
                stream.Dispose();
            }
        }
    }
}
