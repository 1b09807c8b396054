using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SelfCorrect.Evaluation.Runs;

/// <summary>
/// A run directory: <c>settings.json</c> (every setting that shapes the results, including dataset file hashes),
/// the responses, <c>failures.log</c> and <c>metrics.json</c>. Running the same command again resumes it: the
/// settings must match what the directory holds (its <c>runtime</c> part, such as concurrency, may change). A lock
/// file keeps two processes from writing the same run.
/// </summary>
public sealed class RunFolder : IDisposable
{
    public const string SettingsFile = "settings.json";
    public const string MetricsFile = "metrics.json";
    public const string FailuresFile = "failures.log";
    public const string ScoringFile = "scoring.json";
    public const string RuntimeSection = "runtime";
    private const string LockFile = ".lock";

    private readonly FileStream lockStream;
    private readonly Lock failureGate = new();

    public string Directory { get; }

    private RunFolder(string directory, FileStream lockStream)
    {
        Directory = directory;
        this.lockStream = lockStream;
    }

    public static RunFolder Open(string directory, JsonObject settings, bool force)
    {
        if (File.Exists(directory)) throw new ArgumentException($"--out: '{directory}' is a file, not a directory");
        if (force && System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        var lockStream = Lock(directory);
        try
        {
            string settingsPath = Path.Combine(directory, SettingsFile);
            if (File.Exists(settingsPath)) CheckSameRun(settingsPath, settings);
            else if (System.IO.Directory.EnumerateFileSystemEntries(directory).Any(entry => Path.GetFileName(entry) != LockFile))
                throw new ArgumentException($"--out: '{directory}' holds files but no {SettingsFile}; choose an empty or new directory, or pass --force");
            WriteAtomically(settingsPath, settings.ToJsonString(Indented));
            return new RunFolder(directory, lockStream);
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A directory that receives rescored metrics (<c>metrics.json</c>, <c>scoring.json</c> describing the inputs, and
    /// the LLM judge's <c>judgements.jsonl</c>); it may be a run directory or any other.
    /// </summary>
    public static RunFolder OpenForScoring(string directory, JsonObject scoring)
    {
        if (File.Exists(directory)) throw new ArgumentException($"--out: '{directory}' is a file, not a directory");
        var folder = new RunFolder(directory, Lock(directory));
        WriteAtomically(folder.PathOf(ScoringFile), scoring.ToJsonString(Indented));
        return folder;
    }

    private static FileStream Lock(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            return new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ArgumentException($"--out: directory '{directory}' is in use by another selfcorrect process");
        }
    }

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public void WriteMetrics(JsonNode metrics) => WriteAtomically(PathOf(MetricsFile), metrics.ToJsonString(Indented));

    public void RecordFailure(string key, Exception error)
    {
        string line = $"{DateTimeOffset.UtcNow:O}\t{key}\t{OneLine(error.Message)}\n";
        lock (failureGate) File.AppendAllText(PathOf(FailuresFile), line);
    }

    public void Dispose() => lockStream.Dispose();

    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serialisation of metrics: snake_case names, nulls kept (an absent number is shown as undefined, not dropped).</summary>
    public static readonly JsonSerializerOptions MetricsJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Path, size and SHA-256 of each input file, so a report says exactly which data produced it.</summary>
    public static JsonArray DescribeFiles(IEnumerable<string> paths) => new([.. paths.Select(path =>
    {
        using var stream = File.OpenRead(path);
        return (JsonNode)new JsonObject
        {
            ["path"] = Path.GetFullPath(path),
            ["bytes"] = stream.Length,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    })]);

    /// <summary>Writes via a temporary sibling and a rename, so a crash never leaves a half-written file.</summary>
    public static void WriteAtomically(string path, string contents)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        // UTF-8 without a byte-order mark, as JSON and Markdown readers expect.
        File.WriteAllText(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }

    private static void CheckSameRun(string settingsPath, JsonObject settings)
    {
        JsonNode? saved;
        try
        {
            saved = JsonNode.Parse(File.ReadAllText(settingsPath));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{settingsPath}:{(e.LineNumber ?? 0) + 1}: unreadable settings ({OneLine(e.Message)})");
        }
        if (saved is not JsonObject savedObject) throw new InvalidDataException($"{settingsPath}:1: settings must be a JSON object");
        string? difference = FirstDifference(WithoutRuntime(savedObject), WithoutRuntime(settings), "");
        if (difference is not null)
            throw new ArgumentException($"--out: '{Path.GetDirectoryName(settingsPath)}' holds a run with other settings ({difference}); "
                + "rerun with the same options to resume it, choose another --out, or pass --force to replace it");
    }

    private static JsonObject WithoutRuntime(JsonObject settings)
    {
        var copy = (JsonObject)settings.DeepClone();
        copy.Remove(RuntimeSection);
        return copy;
    }

    /// <summary>The first setting that differs, as <c>path: saved vs given</c>; null when equal.</summary>
    private static string? FirstDifference(JsonNode? saved, JsonNode? given, string path)
    {
        if (saved is JsonObject a && given is JsonObject b)
        {
            foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                if (FirstDifference(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}") is { } found) return found;
            return null;
        }
        if (saved is JsonArray x && given is JsonArray y && x.Count == y.Count)
        {
            for (int i = 0; i < x.Count; i++)
                if (FirstDifference(x[i], y[i], $"{path}[{i}]") is { } found) return found;
            return null;
        }
        return JsonNode.DeepEquals(saved, given) ? null : $"{path}: {Short(saved)} in the directory vs {Short(given)} now";
    }

    private static string Short(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "absent";
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static string OneLine(string message) => string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
