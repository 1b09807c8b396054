using System.Text.Json.Nodes;
using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// A directory an evaluation writes into, locked while open so two processes never write it. A run directory
/// (<see cref="OpenRun"/>) holds <c>settings.json</c> (every setting that shapes the results, including dataset file
/// hashes), the responses, <c>failures.log</c> and <c>metrics.json</c>; running the same request again resumes it. A
/// rescoring directory (<see cref="OpenForScoring"/>) receives <c>metrics.json</c>, <c>scoring.json</c> describing the
/// inputs, and the LLM judge's <c>judgements.jsonl</c>; it may be a run directory or any other. A run split into
/// shards (<see cref="Shard"/>) is shared: each shard holds only its own lock (<c>.lock.shard-i-of-N</c>) and writes
/// its own record files (<see cref="ShardedRecords"/>); the settings check and each merged metrics.json take the
/// directory's lock in turn, so shards run at the same time on one file system.
/// </summary>
public sealed class EvaluationDirectory : IDisposable
{
    /// <summary>Every setting that shapes a run's results; a rerun with other settings is refused.</summary>
    public const string SettingsFile = "settings.json";
    /// <summary>The metrics of every record so far, rewritten atomically after each attempt.</summary>
    public const string MetricsFile = "metrics.json";
    /// <summary>One line per failed sample: its key and the error, appended as failures happen.</summary>
    public const string FailuresFile = "failures.log";
    /// <summary>What a rescoring scored: data and responses files (with hashes), judges and grading.</summary>
    public const string ScoringFile = "scoring.json";

    /// <summary>Evaluation runs; those written before the run marker existed are known by their settings.json.</summary>
    public static readonly RunKind RunKind = new("evaluation run", SettingsFile);

    private readonly IDisposable directoryLock;
    private readonly Lock failureGate = new();
    private readonly string setting;

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The part of the run this process writes (<see cref="Shard.Whole"/> unless the run is sharded).</summary>
    public Shard Shard { get; }

    private EvaluationDirectory(string path, IDisposable directoryLock, Shard shard, string setting)
    {
        Path = path;
        this.directoryLock = directoryLock;
        Shard = shard;
        this.setting = setting;
    }

    /// <summary>
    /// A new run directory, or the run it already holds when that run has the same settings (its
    /// <see cref="RunSettings.RuntimeSection"/> may differ); with <paramref name="replace"/>, a run of other settings
    /// is replaced. A directory holding anything but an evaluation run is refused, never deleted. Credentials in the
    /// settings (an endpoint's user info or key parameter, the API key) are masked (<see cref="Redaction"/>) before they
    /// are compared or written.
    /// </summary>
    /// <param name="setting">The request property that named the directory, for errors.</param>
    /// <param name="replaceSetting">The request property that asks for replacement, mentioned where it would help.</param>
    /// <param name="path">The run directory (created when absent).</param>
    /// <param name="settings">Everything that shapes the results, written to settings.json and compared on resume.</param>
    /// <param name="replace">Replace an evaluation run of other settings instead of refusing it.</param>
    /// <param name="shard">The part of the run this process evaluates (null: all of it); the shard count is a setting all shards share.</param>
    public static EvaluationDirectory OpenRun(string path, JsonObject settings, bool replace, string setting, string replaceSetting, Shard? shard = null)
    {
        shard ??= Shard.Whole;
        settings = JsonNode.Parse(Redaction.Redact(settings.ToJsonString()))!.AsObject();
        CheckShardable(shard, replace, replaceSetting);
        if (shard.IsPartial) settings[ShardedRecords.SettingsKey] = shard.Count;
        var run = shard.IsPartial
            ? RunDirectory.CreateOrContinueWaiting(path, RunKind, replace: false, setting)
            : RunDirectory.CreateOrContinue(path, RunKind, replace, setting);
        try
        {
            string settingsPath = run.PathOf(SettingsFile);
            if (run.Existed && File.Exists(settingsPath)) RunSettings.CheckSameRun(settingsPath, settings, setting, replaceSetting);
            AtomicFile.WriteAllText(settingsPath, settings.ToJsonString(EvaluationJson.Indented));
            if (!shard.IsPartial) return new EvaluationDirectory(path, run, shard, setting);
        }
        catch
        {
            run.Dispose();
            throw;
        }
        run.Dispose();
        var shardLock = DirectoryLock.TryTake(path, setting, $"{DirectoryLock.FileName}.{shard.FileTag}")
            ?? throw new InvalidSettingException(setting, $"shard {shard} of '{path}' is in use by another selfcorrect process");
        return new EvaluationDirectory(path, shardLock, shard, setting);
    }

    /// <summary>A shard never replaces the run: the error names <paramref name="replaceSetting"/>.</summary>
    public static void CheckShardable(Shard? shard, bool replace, string replaceSetting)
    {
        if (shard is { IsPartial: true } && replace)
            throw new InvalidSettingException(replaceSetting, $"cannot be combined with {{{nameof(Shard)}}}: every shard would delete the others' records; clear the directory once before starting the shards");
    }

    /// <summary>Any directory that receives rescored metrics; <c>scoring.json</c> records what was scored.</summary>
    /// <param name="setting">The request property that named the directory, for errors.</param>
    /// <param name="path">The directory (created when absent).</param>
    /// <param name="scoring">What is scored, written to scoring.json.</param>
    public static EvaluationDirectory OpenForScoring(string path, JsonObject scoring, string setting)
    {
        var directoryLock = DirectoryLock.Take(path, setting);
        try
        {
            AtomicFile.WriteAllText(System.IO.Path.Combine(path, ScoringFile), Redaction.Redact(scoring.ToJsonString(EvaluationJson.Indented)));
            return new EvaluationDirectory(path, directoryLock, Shard.Whole, setting);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>The path of a file in the directory.</summary>
    public string PathOf(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <summary>Where this process writes the run's <paramref name="fileName"/>: its shard's own file (<see cref="ShardedRecords.FileName"/>).</summary>
    internal string RecordPath(string fileName) => PathOf(ShardedRecords.FileName(fileName, Shard));

    /// <summary>Every shard's records of <paramref name="fileName"/>, merged (<see cref="ShardedRecords.Read"/>).</summary>
    internal (List<StoredLine<T>> Lines, IReadOnlyList<ShardProgress>? Shards) ReadAllShards<T>(string fileName, KeyedLineParser<T> parser, Func<Shard, int> expected) =>
        ShardedRecords.Read(Path, fileName, Shard.Count, parser, expected);

    /// <summary>Replaces metrics.json atomically (a reader never sees half a file).</summary>
    public void WriteMetrics(JsonNode metrics) => AtomicFile.WriteAllText(PathOf(MetricsFile), metrics.ToJsonString(EvaluationJson.Indented));

    /// <summary>
    /// Computes the metrics from every shard's records and writes metrics.json. A shard takes the directory's lock for
    /// it, so concurrent shards write in turn and the last one's metrics hold everyone's records.
    /// </summary>
    internal T WriteMergedMetrics<T>(Func<(T Result, JsonNode Metrics)> compute)
    {
        using var turn = Shard.IsPartial ? DirectoryLock.TakeWaiting(Path, setting) : null;
        var (result, metrics) = compute();
        WriteMetrics(metrics);
        return result;
    }

    /// <summary>Appends a failed sample to failures.log (secrets redacted); safe to call from concurrent samples.</summary>
    public void RecordFailure(string key, Exception error)
    {
        string line = $"{DateTimeOffset.UtcNow:O}\t{key}\t{Redaction.Redact(OneLine(error.Message))}\n";
        lock (failureGate) File.AppendAllText(PathOf(FailuresFile), line);
    }

    /// <summary>Releases the directory lock.</summary>
    public void Dispose() => directoryLock.Dispose();

    internal static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
