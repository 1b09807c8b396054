using SelfCorrect.Evaluation.Runner;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>Saved over-refusal outputs to rescore with any judges; only an LLM judge calls a model.</summary>
public sealed record OverrefusalScoringRequest
{
    /// <summary>The XSTest <c>xstest_prompts.csv</c> the responses answer.</summary>
    public required string DataPath { get; init; }
    /// <summary>Responses files, one per defence (<c>responses-NAME.jsonl</c> names the defence NAME), keyed by <c>id</c>.</summary>
    public required IReadOnlyList<string> ResponsesPaths { get; init; }
    /// <summary>The string-match classifier and the LLM judge to classify with.</summary>
    public required OverrefusalJudges Judges { get; init; }
    /// <summary>The LLM judge's prompt template, with <c>{prompt}</c> and <c>{response}</c>.</summary>
    public string LlmJudgePrompt { get; init; } = RefusalLlmJudge.DefaultPrompt;
    /// <summary>How hard the LLM judge is driven.</summary>
    public RunnerOptions Runner { get; init; } = new();
    /// <summary>Where metrics.json goes; by default the first responses file's directory.</summary>
    public string? OutDirectory { get; init; }

    /// <summary><see cref="OutDirectory"/>, or, when none is set, the first responses path itself if it is a run directory, else its directory.</summary>
    public string ResolvedOutDirectory => OutDirectory ?? (Directory.Exists(ResponsesPaths[0]) ? ResponsesPaths[0] : Path.GetDirectoryName(Path.GetFullPath(ResponsesPaths[0]))!);

    /// <summary>Checks the runner settings, so bad input fails before any file is read.</summary>
    public void Validate() => Runner.Validate();
}
