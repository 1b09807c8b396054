using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Rescoring of saved BBQ outputs (from a run or produced elsewhere) without any model.</summary>
public static class BbqRescoring
{
    /// <summary>A rescoring: the directory metrics.json went to, the metrics, the records scored and a torn last line left out (null if none).</summary>
    public sealed record Result(string Directory, BbqMetrics Metrics, int Records, string? IgnoredTornLine);

    /// <summary>Grades the saved responses against the data and writes metrics.json and scoring.json; the responses file is never modified.</summary>
    public static Result Run(BbqScoringRequest request)
    {
        var files = BbqDataset.ResolveFiles(request.DataPaths);
        var examples = BbqDataset.Load(files);
        if (!File.Exists(request.ResponsesPath))
            throw new InvalidSettingException(nameof(BbqScoringRequest.ResponsesPath), $"file '{request.ResponsesPath}' not found");
        var contents = JsonLinesFile.Read(request.ResponsesPath, ResponsesFile.Parser(SampleKeyFormat.Bbq));
        if (contents.Lines.Count == 0) throw new InvalidDataException($"{request.ResponsesPath}:1: no records to score");
        var metadata = request.TargetMetadataPath is null ? null : TargetMetadata.Load(request.TargetMetadataPath, nameof(BbqScoringRequest.TargetMetadataPath));
        var metrics = BbqScoring.Compute(BbqScoring.Grade(examples, contents.Lines, request.Grading, metadata));
        var scoring = new JsonObject
        {
            ["benchmark"] = "bbq",
            ["data"] = InputFiles.Describe(files),
            ["responses"] = InputFiles.Describe([request.ResponsesPath]),
            [RunSettings.ScoringSection] = BbqRun.DescribeScoring(request.Grading, metadata),
        };
        using var directory = EvaluationDirectory.OpenForScoring(request.ResolvedOutDirectory, scoring, nameof(BbqScoringRequest.OutDirectory));
        directory.WriteMetrics(new Coverage(contents.Lines.Count, contents.Lines.Count).Wrap(metrics));
        return new Result(directory.Path, metrics, contents.Lines.Count, contents.TornTail);
    }
}
