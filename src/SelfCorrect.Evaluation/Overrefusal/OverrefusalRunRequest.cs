using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>Everything an over-refusal run needs besides the model clients: the jailbreak run's defences and rounds, on XSTest.</summary>
public sealed record OverrefusalRunRequest
{
    /// <summary>XSTest <c>xstest_prompts.csv</c> (id,prompt,type,label,focus,note).</summary>
    public required string DataPath { get; init; }
    /// <summary>Use the first N prompts; null: all 450.</summary>
    public int? Limit { get; init; }
    /// <summary>The model and the defences compared (CaC's refusal rates are reported after each round).</summary>
    public required DefendedModel Model { get; init; }
    /// <summary>The string-match classifier and the LLM judge that classify the answers.</summary>
    public required OverrefusalJudges Judges { get; init; }
    /// <summary>The LLM judge's prompt template, with <c>{prompt}</c> and <c>{response}</c>.</summary>
    public string LlmJudgePrompt { get; init; } = RefusalLlmJudge.DefaultPrompt;
    /// <summary>Concurrency, request rate, failure limit and sync policy.</summary>
    public RunnerOptions Runner { get; init; } = new();
    /// <summary>The run directory; running the same request again resumes it.</summary>
    public required string OutDirectory { get; init; }
    /// <summary>Replace a run of other settings in <see cref="OutDirectory"/> instead of refusing it.</summary>
    public bool Force { get; init; }
    /// <summary>Send only this shard's slice of the prompts (every N-th, under every defence); shards share <see cref="OutDirectory"/>. Null: all.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The run directory used when none is named: <c>runs/overrefusal-MODEL</c>.</summary>
    public static string DefaultOutDirectory(ModelSpec model) => Path.Combine("runs", $"overrefusal-{EvaluatedModel.Slug(model)}");

    /// <summary>Checks everything that needs no model (runner settings, data, defences), so bad input fails before a model loads.</summary>
    public void Validate() => Prepare();

    /// <summary>The prompts and the defences, all checked.</summary>
    internal (IReadOnlyList<XsTestPrompt> Prompts, IReadOnlyList<ICorrectionStrategy> Defenses) Prepare()
    {
        Runner.Validate();
        var defenses = Model.CreateDefenses();
        return (XsTest.Load(DataPath, Limit, nameof(DataPath), nameof(Limit)), defenses);
    }
}
