using System.Text.Json.Nodes;
using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>How far one shard of a sharded run got: the samples its slice holds and those its record files hold.</summary>
public sealed record ShardProgress(int Index, int Expected, int Recorded)
{
    /// <summary>No record at all: the shard never ran (or wrote nothing yet).</summary>
    public bool Missing => Recorded == 0 && Expected > 0;

    /// <summary>Some records but fewer than its slice holds: the shard was interrupted or is still running.</summary>
    public bool Incomplete => Recorded > 0 && Recorded < Expected;
}

/// <summary>
/// The record files of a run split into shards: shard i of N writes <c>NAME.shard-i-of-N.jsonl</c> beside the others
/// (an unsharded run writes <c>NAME.jsonl</c>), and reading merges them all in shard order, noting each shard's
/// progress so a missing or unfinished shard is reported, never silently left out.
/// </summary>
public static class ShardedRecords
{
    /// <summary>The settings.json key that records the shard count of a sharded run (absent: not sharded).</summary>
    public const string SettingsKey = "shards";

    /// <summary>The file <paramref name="shard"/> writes for the run's <paramref name="fileName"/>.</summary>
    public static string FileName(string fileName, Shard shard) =>
        shard.IsPartial ? $"{Path.GetFileNameWithoutExtension(fileName)}.{shard.FileTag}{Path.GetExtension(fileName)}" : fileName;

    /// <summary>The shard count a run's settings record (1 when it is not sharded).</summary>
    public static int ShardCount(JsonObject? settings) => settings?[SettingsKey]?.GetValue<int>() ?? 1;

    /// <summary>
    /// Every shard's records of <paramref name="fileName"/> in <paramref name="directory"/>, merged in shard order (a
    /// torn last line is left out, as rescoring does), with each shard's progress when the run is sharded;
    /// <paramref name="expected"/> gives the samples of shard i.
    /// </summary>
    public static (List<StoredLine<T>> Lines, IReadOnlyList<ShardProgress>? Shards) Read<T>(string directory, string fileName, int shardCount,
        KeyedLineParser<T> parser, Func<Shard, int> expected)
    {
        var lines = new List<StoredLine<T>>();
        var progress = new List<ShardProgress>();
        for (int i = 0; i < shardCount; i++)
        {
            var shard = new Shard(i, shardCount);
            string path = Path.Combine(directory, FileName(fileName, shard));
            var own = File.Exists(path) ? JsonLinesFile.Read(path, parser).Lines : [];
            lines.AddRange(own);
            progress.Add(new ShardProgress(i, expected(shard), own.Count));
        }
        return (lines, shardCount > 1 ? progress : null);
    }

    /// <summary>
    /// The settings of the run directory <paramref name="path"/> names in place of a records file (a sharded run's
    /// records are several files), or null when it names a file.
    /// </summary>
    /// <param name="path">A records file or a run directory.</param>
    /// <param name="setting">The request property that named the path, for errors.</param>
    public static JsonObject? RunSettingsOf(string path, string setting)
    {
        if (!Directory.Exists(path)) return null;
        string settingsPath = Path.Combine(path, EvaluationDirectory.SettingsFile);
        if (!File.Exists(settingsPath))
            throw new InvalidSettingException(setting, $"'{path}' is a directory without {EvaluationDirectory.SettingsFile}: give a responses file or an evaluation run directory");
        try
        {
            return JsonNode.Parse(File.ReadAllText(settingsPath)) as JsonObject ?? throw new InvalidDataException($"{settingsPath}:1: settings must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{settingsPath}:{(e.LineNumber ?? 0) + 1}: unreadable settings ({EvaluationDirectory.OneLine(e.Message)})");
        }
    }

    /// <summary>The files of every shard of <paramref name="fileName"/> that exist in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> ExistingFiles(string directory, string fileName, int shardCount) =>
        [.. Enumerable.Range(0, shardCount).Select(i => Path.Combine(directory, FileName(fileName, new Shard(i, shardCount)))).Where(File.Exists)];

    /// <summary>Adds up the progress of several record files of the same shards (one per defence).</summary>
    public static IReadOnlyList<ShardProgress>? Sum(IEnumerable<IReadOnlyList<ShardProgress>?> files)
    {
        var present = files.OfType<IReadOnlyList<ShardProgress>>().ToList();
        if (present.Count == 0) return null;
        return [.. present[0].Select(first => new ShardProgress(first.Index,
            present.Sum(f => f[first.Index].Expected), present.Sum(f => f[first.Index].Recorded)))];
    }

    /// <summary>One line for people: which shards are missing or unfinished (null when all are complete or the run is not sharded).</summary>
    public static string? Describe(IReadOnlyList<ShardProgress>? shards)
    {
        if (shards is null) return null;
        var missing = shards.Where(s => s.Missing).Select(s => $"{s.Index}/{shards.Count}").ToList();
        var incomplete = shards.Where(s => s.Incomplete).Select(s => $"{s.Index}/{shards.Count} ({s.Recorded}/{s.Expected})").ToList();
        if (missing.Count == 0 && incomplete.Count == 0) return null;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"shard(s) missing: {string.Join(", ", missing)}");
        if (incomplete.Count > 0) parts.Add($"shard(s) unfinished: {string.Join(", ", incomplete)}");
        return string.Join("; ", parts);
    }
}
