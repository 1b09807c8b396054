using SelfCorrect.Common;
using System.Text.Json.Nodes;
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
    /// <summary>The defences compared in the run. Empty: every one (<see cref="CorrectionStrategies.Names"/>).</summary>
    public IReadOnlyList<string> Defenses { get; init; } = [];
    /// <summary>CaC rounds; refusal rates are reported after each.</summary>
    public int Rounds { get; init; } = 3;
    /// <summary>icd demonstrations / backup dialogues.</summary>
    public int Demonstrations { get; init; } = 1;
    public PromptPresets Presets { get; init; } = PromptPresets.Default;
    public string? PresetsFile { get; init; }
    public string? CheckPrompt { get; init; }
    /// <summary>The model's settings as recorded in settings.json (<see cref="EvaluatedModel.Describe"/>; never a key).</summary>
    public required JsonObject Model { get; init; }
    /// <summary>The system prompt, token limits and sampling of every call (<see cref="EvaluationProtocol"/>); null: plain, no system prompt, the backend's defaults.</summary>
    public EvaluationProtocol? Protocol { get; init; }
    public required OverrefusalJudges Judges { get; init; }
    public string LlmJudgePrompt { get; init; } = RefusalLlmJudge.DefaultPrompt;
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

    /// <summary>The protocol of the run: <see cref="Protocol"/>, or plain (the jailbreak protocol's, so refusal rates and ASR compare).</summary>
    public EvaluationProtocol ProtocolOrPlain => Protocol ?? EvaluationProtocol.Plain(ProtocolBenchmark.Jailbreak);

    /// <summary>The prompts and the defences, all checked.</summary>
    internal (IReadOnlyList<XsTestPrompt> Prompts, IReadOnlyList<ICorrectionStrategy> Defenses) Prepare()
    {
        Runner.Validate();
        var defenses = DefenseRun.CreateDefenses(Defenses,
            new StrategySettings { Presets = Presets, Rounds = Rounds, Demonstrations = Demonstrations, CheckPrompt = CheckPrompt });
        return (XsTest.Load(DataPath, Limit, nameof(DataPath), nameof(Limit)), defenses);
    }
}
