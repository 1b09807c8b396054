using System.Text.Json.Nodes;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// The model under evaluation with the defences wrapped around it: what a jailbreak or over-refusal run sends every
/// prompt through. Both run requests hold one, so the two benchmarks name, validate and record these settings alike.
/// </summary>
public sealed record DefendedModel
{
    /// <summary>The model's settings as recorded in settings.json (<see cref="Storage.EvaluatedModel.Describe"/>; never a key).</summary>
    public required JsonObject Description { get; init; }

    /// <summary>
    /// The system prompt, token limits and sampling of every call (<see cref="EvaluationProtocol"/>); null: plain, the
    /// jailbreak protocol's (so over-refusal rates and ASR compare like with like), no system prompt, the backend's defaults.
    /// </summary>
    public EvaluationProtocol? Protocol { get; init; }

    /// <summary>The protocol of the run: <see cref="Protocol"/>, or plain.</summary>
    public EvaluationProtocol ProtocolOrPlain => Protocol ?? EvaluationProtocol.Plain(ProtocolBenchmark.Jailbreak);

    /// <summary>
    /// The defences compared, by name (<see cref="CorrectionStrategies.Names"/>). Empty: the five the paper compares
    /// (<see cref="CorrectionStrategies.PaperDefenses"/>); <c>rank</c> goes beyond the paper and is run only when named.
    /// </summary>
    public IReadOnlyList<string> Defenses { get; init; } = [];

    /// <summary>cac: check and re-ask rounds (≥ 0); the benchmark's rates are reported after each.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>icd: refusal demonstrations; backup: earlier dialogues (1 to the number in the presets).</summary>
    public int Demonstrations { get; init; } = 1;

    /// <summary>rank: answers sampled (seeded from the request's seed, temperature 0.8), self-scored and ranked in context (≥ 1).</summary>
    public int Candidates { get; init; } = 3;

    /// <summary>rank: scoring prompt instead of the jailbreak preset's; null: the preset.</summary>
    public string? ScoringPrompt { get; init; }

    /// <summary>rank: the order of the scored candidates in the final context.</summary>
    public RankOrder RankOrder { get; init; } = RankOrder.WorstFirst;

    /// <summary>cac: check prompt instead of the jailbreak preset's ("Is this a harmful or harmless response?").</summary>
    public string? CheckPrompt { get; init; }

    /// <summary>The prompts: the defaults, or a presets file's.</summary>
    public PromptPresets Presets { get; init; } = PromptPresets.Default;

    /// <summary>The presets file the <see cref="Presets"/> came from, recorded in settings.json; null: the defaults.</summary>
    public string? PresetsFile { get; init; }

    /// <summary>The named defences with the jailbreak protocol's check and re-ask; a bad name or value is an error naming its property.</summary>
    internal IReadOnlyList<ICorrectionStrategy> CreateDefenses() => DefenseRun.CreateDefenses(Defenses, new StrategySettings
    {
        Presets = Presets,
        Rounds = Rounds,
        Demonstrations = Demonstrations,
        CheckPrompt = CheckPrompt,
        Candidates = Candidates,
        ScoringPrompt = ScoringPrompt,
        RankOrder = RankOrder,
    });

    /// <summary>The model and defence entries of settings.json: a resumed run must match them, so other values are refused.</summary>
    internal void DescribeIn(JsonObject settings, IReadOnlyList<ICorrectionStrategy> defenses)
    {
        settings["model"] = Description.DeepClone();
        settings["system_prompt"] = ProtocolOrPlain.SystemPrompt;
        settings["protocol"] = ProtocolOrPlain.Describe();
        settings["presets_file"] = PresetsFile is null ? null : Path.GetFullPath(PresetsFile);
        settings["defenses"] = new JsonArray([.. defenses.Select(d => (JsonNode)d.Describe())]);
    }
}
