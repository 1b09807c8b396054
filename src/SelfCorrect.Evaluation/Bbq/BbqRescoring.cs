using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Rescoring of saved BBQ outputs (from a run or produced elsewhere) without any model.</summary>
public static class BbqRescoring
{
    /// <summary>A rescoring: the directory metrics.json went to, the metrics, the records scored and a torn last line left out (null if none).</summary>
    public sealed record Result(string Directory, BbqMetrics Metrics, int Records, string? IgnoredTornLine)
    {
        /// <summary>Each shard's progress when a sharded run directory was scored (null otherwise).</summary>
        public IReadOnlyList<ShardProgress>? Shards { get; init; }
    }

    /// <summary>Grades the saved responses against the data and writes metrics.json and scoring.json; the responses file is never modified.</summary>
    public static Result Run(BbqScoringRequest request)
    {
        var files = BbqDataset.ResolveFiles(request.DataPaths);
        var examples = BbqDataset.Load(files);
        var (lines, torn, expected, shards, inputs) = ReadResponses(request.ResponsesPath);
        if (lines.Count == 0) throw new InvalidDataException($"{request.ResponsesPath}:1: no records to score");
        var metadata = request.TargetMetadataPath is null ? null : TargetMetadata.Load(request.TargetMetadataPath, nameof(BbqScoringRequest.TargetMetadataPath));
        var metrics = BbqScoring.Compute(BbqScoring.Grade(examples, lines, request.Grading, metadata));
        var scoring = new JsonObject
        {
            ["benchmark"] = "bbq",
            ["data"] = InputFiles.Describe(files),
            ["responses"] = InputFiles.Describe(inputs),
            [RunSettings.ScoringSection] = BbqRun.DescribeScoring(request.Grading, metadata),
        };
        using var directory = EvaluationDirectory.OpenForScoring(request.ResolvedOutDirectory, scoring, nameof(BbqScoringRequest.OutDirectory));
        directory.WriteMetrics(new Coverage(expected, lines.Count, shards).Wrap(metrics));
        return new Result(directory.Path, metrics, lines.Count, torn) { Shards = shards };
    }

    /// <summary>
    /// The records of a responses file, or of every shard of a run directory (with the selection's size and each
    /// shard's progress, from its settings.json), and the files they came from.
    /// </summary>
    private static (IReadOnlyList<StoredLine<ResponseRecord>> Lines, string? Torn, int Expected, IReadOnlyList<ShardProgress>? Shards, IReadOnlyList<string> Files)
        ReadResponses(string path)
    {
        const string setting = nameof(BbqScoringRequest.ResponsesPath);
        var parser = ResponsesFile.Parser(SampleKeyFormat.Bbq);
        if (ShardedRecords.RunSettingsOf(path, setting) is { } settings)
        {
            int examples = settings["selection"]?["examples"]?.GetValue<int>()
                ?? throw new InvalidDataException($"{Path.Combine(path, EvaluationDirectory.SettingsFile)}:1: not a BBQ run's settings (no selection.examples)");
            int count = ShardedRecords.ShardCount(settings);
            var (lines, shards) = ShardedRecords.Read(path, BbqRun.ResponsesFileName, count, parser, shard => shard.SizeOf(examples));
            return (lines, null, examples, shards, ShardedRecords.ExistingFiles(path, BbqRun.ResponsesFileName, count));
        }
        if (!File.Exists(path)) throw new InvalidSettingException(setting, $"file '{path}' not found");
        var contents = JsonLinesFile.Read(path, parser);
        return (contents.Lines, contents.TornTail, contents.Lines.Count, null, [path]);
    }
}
