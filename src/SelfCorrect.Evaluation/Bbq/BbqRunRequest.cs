using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Everything a BBQ evaluation run needs besides the model client.</summary>
public sealed record BbqRunRequest
{
    /// <summary>BBQ data: directories of the official .jsonl files, or the files themselves.</summary>
    public required IReadOnlyList<string> DataPaths { get; init; }
    /// <summary>Which categories and condition, and how many examples per category (seeded).</summary>
    public required BbqSelection Selection { get; init; }
    /// <summary>The model's settings as recorded in settings.json (<see cref="EvaluatedModel.Describe"/>; never a key).</summary>
    public required JsonObject Model { get; init; }
    /// <summary>The strategy by name (<see cref="BbqRun.StrategyNames"/>: none, cac, instruction, cot, rank).</summary>
    public required string Strategy { get; init; }
    /// <summary>cac: check and re-ask rounds (≥ 0; the paper uses 1 to 3).</summary>
    public int Rounds { get; init; } = 1;
    /// <summary>The prompts: the defaults, or a presets file's.</summary>
    public PromptPresets Presets { get; init; } = PromptPresets.Default;
    /// <summary>The presets file the <see cref="Presets"/> came from, recorded in settings.json; null: the defaults.</summary>
    public string? PresetsFile { get; init; }
    /// <summary>cac: check prompt instead of the BBQ preset's.</summary>
    public string? CheckPrompt { get; init; }
    /// <summary>rank: answers sampled, self-scored and ranked in context (≥ 1).</summary>
    public int Candidates { get; init; } = 3;
    /// <summary>rank: scoring prompt instead of the BBQ preset's.</summary>
    public string? ScoringPrompt { get; init; }
    /// <summary>rank: the order of the (answer, score) pairs in context.</summary>
    public RankOrder RankOrder { get; init; } = RankOrder.WorstFirst;
    /// <summary>The system prompt, token limits and sampling of every call (<see cref="EvaluationProtocol"/>); null: plain, no system prompt, the backend's defaults.</summary>
    public EvaluationProtocol? Protocol { get; init; }
    /// <summary>Concurrency, request rate, failure limit and sync policy.</summary>
    public RunnerOptions Runner { get; init; } = new();
    /// <summary>How answers are graded; the reference code's rules by default.</summary>
    public BbqGrading Grading { get; init; } = BbqGrading.Reference;
    /// <summary>The official <c>additional_metadata.csv</c>, whose target_loc then decides the stereotyped targets; null: the heuristic.</summary>
    public string? TargetMetadataPath { get; init; }
    /// <summary>The run directory; running the same request again resumes it.</summary>
    public required string OutDirectory { get; init; }
    /// <summary>Replace a run of other settings in <see cref="OutDirectory"/> instead of refusing it.</summary>
    public bool Force { get; init; }
    /// <summary>Evaluate only this shard's slice of the selection (every N-th example); shards share <see cref="OutDirectory"/>. Null: all.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The run directory used when none is named: <c>runs/bbq-MODEL-STRATEGY</c>.</summary>
    public static string DefaultOutDirectory(ModelSpec model, string strategy) =>
        Path.Combine("runs", $"bbq-{EvaluatedModel.Slug(model)}-{strategy}");

    /// <summary>The protocol of the run: <see cref="Protocol"/>, or plain.</summary>
    public EvaluationProtocol ProtocolOrPlain => Protocol ?? EvaluationProtocol.Plain(ProtocolBenchmark.Bbq);

    /// <summary>Checks everything that needs no model (runner settings, data, selection, strategy), so bad input fails before a model loads.</summary>
    public void Validate() => Prepare();

    /// <summary>The data files, their examples, the selected ones, the strategy and the target metadata, all checked.</summary>
    internal Plan Prepare()
    {
        Runner.Validate();
        var files = BbqDataset.ResolveFiles(DataPaths);
        var examples = BbqDataset.Load(files);
        var selected = Selection.Apply(examples);
        var strategy = BbqRun.CreateStrategy(Strategy, new StrategySettings
        {
            Presets = Presets, Rounds = Rounds, CheckPrompt = CheckPrompt,
            Candidates = Candidates, ScoringPrompt = ScoringPrompt, RankOrder = RankOrder,
        }, Protocol);
        var metadata = TargetMetadataPath is null ? null : TargetMetadata.Load(TargetMetadataPath, nameof(TargetMetadataPath));
        return new Plan(files, examples, selected, strategy, metadata);
    }

    internal sealed record Plan(IReadOnlyList<string> Files, IReadOnlyList<BbqExample> Examples, IReadOnlyList<BbqExample> Selected,
        ICorrectionStrategy Strategy, TargetMetadata? Metadata);
}
