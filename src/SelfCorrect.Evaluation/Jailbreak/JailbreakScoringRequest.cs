using SelfCorrect.Evaluation.Runner;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Saved jailbreak outputs to rescore with any judges; only an LLM judge calls a model.</summary>
public sealed record JailbreakScoringRequest
{
    /// <summary>The AdvBench <c>harmful_behaviors.csv</c> the responses answer.</summary>
    public required string DataPath { get; init; }
    /// <summary>Responses files, one per defence (<c>responses-NAME.jsonl</c> names the defence NAME).</summary>
    public required IReadOnlyList<string> ResponsesPaths { get; init; }
    /// <summary>The refusal-string lists and the LLM judge to score with.</summary>
    public required JudgeSet Judges { get; init; }
    /// <summary>The LLM judge's prompt template, with <c>{behavior}</c> and <c>{generation}</c>.</summary>
    public string LlmJudgePrompt { get; init; } = LlmJudge.DefaultPrompt;
    /// <summary>How hard the LLM judge is driven.</summary>
    public RunnerOptions Runner { get; init; } = new();
    /// <summary>Where metrics.json goes; by default the first responses file's directory.</summary>
    public string? OutDirectory { get; init; }

    /// <summary><see cref="OutDirectory"/>, or, when none is set, the first responses path itself if it is a run directory, else its directory.</summary>
    public string ResolvedOutDirectory => OutDirectory ?? (Directory.Exists(ResponsesPaths[0]) ? ResponsesPaths[0] : Path.GetDirectoryName(Path.GetFullPath(ResponsesPaths[0]))!);

    /// <summary>Checks the runner settings, so bad input fails before any file is read.</summary>
    public void Validate() => Runner.Validate();
}
