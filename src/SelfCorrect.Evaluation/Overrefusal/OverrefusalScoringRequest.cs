using SelfCorrect.Evaluation.Runner;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>Saved over-refusal outputs to rescore with any judges; only an LLM judge calls a model.</summary>
public sealed record OverrefusalScoringRequest
{
    /// <summary>The XSTest <c>xstest_prompts.csv</c> the responses answer.</summary>
    public required string DataPath { get; init; }
    /// <summary>Responses files, one per defence (<c>responses-NAME.jsonl</c> names the defence NAME), keyed by <c>id</c>.</summary>
    public required IReadOnlyList<string> ResponsesPaths { get; init; }
    public required OverrefusalJudges Judges { get; init; }
    public string LlmJudgePrompt { get; init; } = RefusalLlmJudge.DefaultPrompt;
    /// <summary>How hard the LLM judge is driven.</summary>
    public RunnerOptions Runner { get; init; } = new();
    /// <summary>Where metrics.json goes; by default the first responses file's directory.</summary>
    public string? OutDirectory { get; init; }

    public string ResolvedOutDirectory => OutDirectory ?? (Directory.Exists(ResponsesPaths[0]) ? ResponsesPaths[0] : Path.GetDirectoryName(Path.GetFullPath(ResponsesPaths[0]))!);

    public void Validate() => Runner.Validate();
}
