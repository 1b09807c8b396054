using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Records;
using SelfCorrect.Evaluation.Running;
using SelfCorrect.Evaluation.Runs;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Everything a BBQ evaluation run needs besides the model client.</summary>
public sealed record BbqRunRequest
{
    public required IReadOnlyList<string> DataPaths { get; init; }
    public required BbqSelection Selection { get; init; }
    /// <summary>The model's settings as recorded in settings.json (spec, endpoint, generation options; never a key).</summary>
    public required JsonObject Model { get; init; }
    public required string Strategy { get; init; }
    public int Rounds { get; init; } = 1;
    public PromptPresets Presets { get; init; } = PromptPresets.Default;
    public string? PresetsFile { get; init; }
    public string? CheckPrompt { get; init; }
    public string? SystemPrompt { get; init; }
    public ChatOptions? ChatOptions { get; init; }
    public RunnerOptions Runner { get; init; } = new();
    public required string OutDirectory { get; init; }
    public bool Force { get; init; }
}

/// <summary>A finished (or interrupted) run: its directory, what this attempt did, and the metrics of all records so far.</summary>
public sealed record BbqRunResult(string Directory, int Selected, int AlreadyDone, RunOutcome Outcome, BbqMetrics Metrics, string? DiscardedTornLine);

/// <summary>Runs a BBQ evaluation into a resumable run directory.</summary>
public static class BbqRun
{
    public const string ResponsesFileName = "responses.jsonl";
    public static IReadOnlyList<string> StrategyNames => BbqStrategies.Names;

    /// <summary>The request's strategy (<see cref="BbqStrategies"/>); errors name <c>Strategy</c> or <c>Rounds</c>.</summary>
    public static ICorrectionStrategy CreateStrategy(string name, int rounds, PromptPresets presets, string? checkPrompt) =>
        BbqStrategies.Create(name, new StrategySettings { Presets = presets, Rounds = rounds, CheckPrompt = checkPrompt });

    public static string QuestionTurn(BbqExample example, PromptPresets presets) => presets.BbqQuestionTemplate
        .Replace("{context}", example.Context, StringComparison.Ordinal)
        .Replace("{question}", example.Question, StringComparison.Ordinal)
        .Replace("{ans0}", example.Answers[0], StringComparison.Ordinal)
        .Replace("{ans1}", example.Answers[1], StringComparison.Ordinal)
        .Replace("{ans2}", example.Answers[2], StringComparison.Ordinal);

    /// <summary>Every prompt the strategy sends, as recorded in settings.json: its description, with the question turn after the name.</summary>
    public static JsonObject DescribeStrategy(ICorrectionStrategy strategy, PromptPresets presets, string? presetsFile)
    {
        var description = new JsonObject
        {
            ["name"] = strategy.Name,
            ["presets_file"] = presetsFile is null ? null : Path.GetFullPath(presetsFile),
            ["question_template"] = presets.BbqQuestionTemplate,
        };
        foreach (var (key, value) in strategy.Describe()) description[key] = value?.DeepClone();
        return description;
    }

    public static async Task<BbqRunResult> RunAsync(BbqRunRequest request, IChatClient backend, IRunProgress progress, CancellationToken stop)
    {
        request.Runner.Validate();
        var files = BbqDataset.ResolveFiles(request.DataPaths);
        var examples = BbqDataset.Load(files);
        var selected = request.Selection.Apply(examples);
        var strategy = CreateStrategy(request.Strategy, request.Rounds, request.Presets, request.CheckPrompt);
        var model = (JsonObject)request.Model.DeepClone();
        model["prefill_supported"] = backend.GetService<AssistantPrefillSupport>() is not null;
        var settings = new JsonObject
        {
            ["benchmark"] = "bbq",
            ["data"] = RunFolder.DescribeFiles(files),
            ["selection"] = new JsonObject
            {
                ["categories"] = new JsonArray([.. selected.Select(e => e.Category).Distinct().Select(c => (JsonNode)c)]),
                ["condition"] = request.Selection.Condition,
                ["per_category"] = request.Selection.PerCategory,
                ["seed"] = request.Selection.Seed,
                ["examples"] = selected.Count,
            },
            ["model"] = model,
            ["system_prompt"] = request.SystemPrompt,
            ["strategy"] = DescribeStrategy(strategy, request.Presets, request.PresetsFile),
            ["grader"] = "first sentence, option text / letter / unknown phrase, exactly one option (docs/protocols.md §3)",
            [RunFolder.RuntimeSection] = request.Runner.Describe(),
        };
        using var folder = RunFolder.Open(request.OutDirectory, settings, request.Force);
        string responsesPath = folder.PathOf(ResponsesFileName);
        RunOutcome outcome;
        string? torn;
        int alreadyDone;
        using (var store = RecordStore<ResponseRecord>.Open(responsesPath, ResponsesFile.Parser(SampleKeyFormat.Bbq)))
        {
            torn = store.DiscardedTornLine;
            alreadyDone = store.Count;
            var pending = selected.Where(e => !store.Contains(e.Key)).ToList();
            using var limited = request.Runner.RequestsPerMinute is int rpm ? new RateLimitedChatClient(backend, rpm) : null;
            var client = (limited ?? backend).AsBuilder().UseStrategy(strategy).Build();
            outcome = await EvaluationRunner.RunAsync("bbq", pending, alreadyDone, e => e.Key,
                async (example, cancellationToken) =>
                {
                    var record = await EvaluateAsync(client, example, request.Presets, request.SystemPrompt, request.ChatOptions, cancellationToken);
                    store.Append(example.Key, record.ToJsonLine());
                },
                request.Runner, new FailureLogging(progress, folder), stop);
        }
        var metrics = Score(examples, ResponsesFile.ReadAll(responsesPath, SampleKeyFormat.Bbq), selected.Count, folder);
        return new BbqRunResult(folder.Directory, selected.Count, alreadyDone, outcome, metrics, torn);
    }

    public static Task<ResponseRecord> EvaluateAsync(IChatClient client, BbqExample example, PromptPresets presets, string? systemPrompt,
        ChatOptions? options, CancellationToken cancellationToken) =>
        ResponseRecorder.AskAsync(client, new ResponseRecord { Category = example.Category, ExampleId = example.ExampleId },
            systemPrompt, QuestionTurn(example, presets), options, cancellationToken);

    /// <summary>Grades the records, computes the metrics and writes metrics.json into the folder.</summary>
    private static BbqMetrics Score(IReadOnlyList<BbqExample> examples, IReadOnlyList<StoredLine<ResponseRecord>> records, int expected, RunFolder folder)
    {
        var metrics = BbqScoring.Compute(BbqScoring.Grade(examples, records));
        folder.WriteMetrics(new Coverage(expected, records.Count).Wrap(metrics));
        return metrics;
    }
}

/// <summary>Rescoring of saved BBQ outputs (from a run or produced elsewhere) without any model.</summary>
public static class BbqRescoring
{
    public sealed record Result(string Directory, BbqMetrics Metrics, int Records, string? IgnoredTornLine);

    public static Result Run(IReadOnlyList<string> dataPaths, string responsesPath, string? outDirectory)
    {
        var files = BbqDataset.ResolveFiles(dataPaths);
        var examples = BbqDataset.Load(files);
        if (!File.Exists(responsesPath)) throw new FileNotFoundException($"--responses: file '{responsesPath}' not found");
        var contents = JsonLinesFile.Read(responsesPath, ResponsesFile.Parser(SampleKeyFormat.Bbq));
        if (contents.Lines.Count == 0) throw new InvalidDataException($"{responsesPath}:1: no records to score");
        var metrics = BbqScoring.Compute(BbqScoring.Grade(examples, contents.Lines));
        string directory = outDirectory ?? Path.GetDirectoryName(Path.GetFullPath(responsesPath))!;
        var scoring = new JsonObject
        {
            ["benchmark"] = "bbq",
            ["data"] = RunFolder.DescribeFiles(files),
            ["responses"] = RunFolder.DescribeFiles([responsesPath]),
        };
        using var folder = RunFolder.OpenForScoring(directory, scoring);
        folder.WriteMetrics(new Coverage(contents.Lines.Count, contents.Lines.Count).Wrap(metrics));
        return new Result(directory, metrics, contents.Lines.Count, contents.TornTail);
    }
}
