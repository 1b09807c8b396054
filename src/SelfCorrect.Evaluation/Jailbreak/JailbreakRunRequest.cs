using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Everything a jailbreak run needs besides the model clients.</summary>
public sealed record JailbreakRunRequest
{
    /// <summary>AdvBench <c>harmful_behaviors.csv</c> (goal,target).</summary>
    public required string DataPath { get; init; }
    /// <summary>Use the first N rows; null: all.</summary>
    public int? Limit { get; init; }
    /// <summary>Attack specs: none, suffix (with <see cref="Suffix"/>), gcg:LOG.json, autodan:LOG.json, prompts:FILE.jsonl. Empty: none.</summary>
    public IReadOnlyList<string> Attacks { get; init; } = [];
    /// <summary>The fixed adversarial suffix of the suffix attack.</summary>
    public string? Suffix { get; init; }
    /// <summary>The model and the defences compared (CaC's ASR is reported after each round).</summary>
    public required DefendedModel Model { get; init; }
    /// <summary>The refusal-string lists and the LLM judge that score the answers.</summary>
    public required JudgeSet Judges { get; init; }
    /// <summary>The LLM judge's prompt template, with <c>{behavior}</c> and <c>{generation}</c>.</summary>
    public string LlmJudgePrompt { get; init; } = LlmJudge.DefaultPrompt;
    /// <summary>Concurrency, request rate, failure limit and sync policy.</summary>
    public RunnerOptions Runner { get; init; } = new();
    /// <summary>The run directory; running the same request again resumes it.</summary>
    public required string OutDirectory { get; init; }
    /// <summary>Replace a run of other settings in <see cref="OutDirectory"/> instead of refusing it.</summary>
    public bool Force { get; init; }
    /// <summary>Send only this shard's slice of the prompts (every N-th, under every defence); shards share <see cref="OutDirectory"/>. Null: all.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The run directory used when none is named: <c>runs/jailbreak-MODEL</c>.</summary>
    public static string DefaultOutDirectory(ModelSpec model) => Path.Combine("runs", $"jailbreak-{EvaluatedModel.Slug(model)}");

    /// <summary>Checks everything that needs no model (runner settings, data, attacks, defences), so bad input fails before a model loads.</summary>
    public void Validate() => Prepare();

    /// <summary>The rows, each attack with its prompts, and the defences, all checked.</summary>
    internal Plan Prepare()
    {
        Runner.Validate();
        var defenses = Model.CreateDefenses();
        var attacks = (Attacks.Count == 0 ? ["none"] : Attacks).Select(spec => JailbreakAttack.Parse(spec, Suffix)).ToList();
        if (attacks.Select(a => a.Name).Distinct().Count() != attacks.Count) throw new InvalidSettingException(nameof(Attacks), "an attack kind is given twice");
        var rows = AdvBench.Load(DataPath, Limit);
        var attackPrompts = attacks.Select(a => (a, a.Build(rows))).ToList();
        return new Plan(rows, attackPrompts, defenses);
    }

    internal sealed record Plan(IReadOnlyList<AdvBenchBehavior> Rows, IReadOnlyList<(JailbreakAttack Attack, AttackPrompts Prompts)> Attacks,
        IReadOnlyList<ICorrectionStrategy> Defenses);
}
