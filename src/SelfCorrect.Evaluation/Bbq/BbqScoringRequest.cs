namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Saved BBQ outputs to rescore (from a run or produced elsewhere), without any model.</summary>
public sealed record BbqScoringRequest
{
    /// <summary>The BBQ data the responses answer: directories of .jsonl files, or files.</summary>
    public required IReadOnlyList<string> DataPaths { get; init; }
    /// <summary>A responses file (JSON Lines in the run record format), or a run directory: every shard's responses, merged.</summary>
    public required string ResponsesPath { get; init; }
    /// <summary>How answers are graded; the reference code's rules by default.</summary>
    public BbqGrading Grading { get; init; } = BbqGrading.Reference;
    /// <summary>The official <c>additional_metadata.csv</c>, whose target_loc then decides the stereotyped targets; null: the heuristic.</summary>
    public string? TargetMetadataPath { get; init; }
    /// <summary>Where metrics.json goes; by default the responses file's directory.</summary>
    public string? OutDirectory { get; init; }

    /// <summary><see cref="OutDirectory"/>, or, when none is set, the responses path itself if it is a run directory, else its directory.</summary>
    public string ResolvedOutDirectory => OutDirectory ?? (Directory.Exists(ResponsesPath) ? ResponsesPath : Path.GetDirectoryName(Path.GetFullPath(ResponsesPath))!);
}
