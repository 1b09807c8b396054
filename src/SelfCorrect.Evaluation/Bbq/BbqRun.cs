using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Runs a BBQ evaluation into a resumable run directory.</summary>
public static class BbqRun
{
    /// <summary>The run directory's record file: one JSON line per evaluated example.</summary>
    public const string ResponsesFileName = "responses.jsonl";
    /// <summary>The strategies a BBQ run accepts by name.</summary>
    public static IReadOnlyList<string> StrategyNames => BbqStrategies.Names;

    /// <summary>
    /// The request's strategy (<see cref="BbqStrategies"/>) from its rounds, prompts and ranking settings; errors name
    /// <c>Strategy</c> or the setting at fault (<c>Rounds</c>, <c>Candidates</c>, ...).
    /// </summary>
    public static ICorrectionStrategy CreateStrategy(string name, StrategySettings settings, EvaluationProtocol? protocol = null) =>
        BbqStrategies.Create(name, settings, protocol);

    /// <summary>The user turn of an example: the presets' question template with the context, question and three options filled in.</summary>
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

    /// <summary>How a run or rescoring grades answers and finds targets, as settings.json and scoring.json record it.</summary>
    public static JsonObject DescribeScoring(BbqGrading grading, TargetMetadata? metadata) => new()
    {
        ["grading"] = BbqGrader.Name(grading),
        ["grader"] = BbqGrader.Describe(grading),
        ["targets"] = metadata is null ? BbqScoring.HeuristicTargets : BbqScoring.MetadataTargets,
        ["target_metadata"] = metadata is null ? null : InputFiles.Describe([metadata.Path])[0]!.DeepClone(),
    };

    /// <summary>
    /// Evaluates every selected example not yet recorded in the run directory through the strategy, appending each
    /// record as it completes, then grades all records and writes metrics.json. A directory of other settings is refused
    /// unless <see cref="BbqRunRequest.Force"/> is set.
    /// </summary>
    /// <param name="request">The run's data, selection, strategy and settings.</param>
    /// <param name="backend">The model under evaluation.</param>
    /// <param name="progress">Receives progress and failures as samples complete.</param>
    /// <param name="stop">Stops the run: samples in flight are written, no new one starts.</param>
    public static async Task<BbqRunResult> RunAsync(BbqRunRequest request, IChatClient backend, IRunProgress progress, CancellationToken stop)
    {
        var plan = request.Prepare();
        var model = (JsonObject)request.Model.DeepClone();
        model["prefill_supported"] = backend.GetService<AssistantPrefillSupport>() is not null;
        var deviations = ProtocolDeviations.Of(backend, request.Presets.BbqAnswerPrefill);
        var settings = new JsonObject
        {
            ["benchmark"] = "bbq",
            ["data"] = InputFiles.Describe(plan.Files),
            ["selection"] = new JsonObject
            {
                ["categories"] = new JsonArray([.. plan.Selected.Select(e => e.Category).Distinct().Select(c => (JsonNode)c)]),
                ["condition"] = request.Selection.Condition,
                ["per_category"] = request.Selection.PerCategory,
                ["seed"] = request.Selection.Seed,
                ["examples"] = plan.Selected.Count,
            },
            ["model"] = model,
            ["system_prompt"] = request.ProtocolOrPlain.SystemPrompt,
            ["protocol"] = request.ProtocolOrPlain.Describe(),
            ["strategy"] = DescribeStrategy(plan.Strategy, request.Presets, request.PresetsFile),
            [RunSettings.ScoringSection] = DescribeScoring(request.Grading, plan.Metadata),
            [RunSettings.RuntimeSection] = request.Runner.Describe(),
            [ProtocolDeviations.Key] = deviations,
        };
        using var directory = EvaluationDirectory.OpenRun(request.OutDirectory, settings, request.Force,
            nameof(BbqRunRequest.OutDirectory), nameof(BbqRunRequest.Force), request.Shard);
        var mine = directory.Shard.Slice(plan.Selected);
        RunOutcome outcome;
        string? torn;
        int alreadyDone;
        using (var store = RecordStore<ResponseRecord>.Open(directory.RecordPath(ResponsesFileName), ResponsesFile.Parser(SampleKeyFormat.Bbq), request.Runner.RecordSync))
        {
            torn = store.DiscardedTornLine;
            alreadyDone = store.Count;
            var pending = mine.Where(e => !store.Contains(e.Key)).ToList();
            using var limited = request.Runner.RequestsPerMinute is int rpm ? new RateLimitedChatClient(backend, rpm) : null;
            var client = (limited ?? backend).AsBuilder().UseStrategy(plan.Strategy).Build();
            outcome = await EvaluationRunner.RunAsync("bbq", pending, alreadyDone, e => e.Key,
                async (example, cancellationToken) =>
                {
                    var record = await EvaluateAsync(client, example, request.Presets, request.ProtocolOrPlain.SystemPrompt, request.ProtocolOrPlain.ChatOptions, cancellationToken);
                    store.Append(example.Key, record.ToJsonLine());
                },
                request.Runner, new FailureLogging(progress, directory), stop);
        }
        var (metrics, shards) = directory.WriteMergedMetrics(() =>
        {
            var (records, shards) = directory.ReadAllShards(ResponsesFileName, ResponsesFile.Parser(SampleKeyFormat.Bbq), shard => shard.SizeOf(plan.Selected.Count));
            var metrics = BbqScoring.Compute(BbqScoring.Grade(plan.Examples, records, request.Grading, plan.Metadata));
            var metricsFile = new Coverage(plan.Selected.Count, records.Count, shards).Wrap(metrics);
            metricsFile[ProtocolDeviations.Key] = deviations.DeepClone();
            return ((metrics, shards), metricsFile);
        });
        return new BbqRunResult(directory.Path, mine.Count, alreadyDone, outcome, metrics, torn) { Shards = shards };
    }

    /// <summary>Asks one example through <paramref name="client"/> (a backend with the strategy applied) and returns its record with every stage.</summary>
    public static Task<ResponseRecord> EvaluateAsync(IChatClient client, BbqExample example, PromptPresets presets, string? systemPrompt,
        ChatOptions? options, CancellationToken cancellationToken) =>
        ResponseRecorder.AskAsync(client, new ResponseRecord { Category = example.Category, ExampleId = example.ExampleId },
            systemPrompt, QuestionTurn(example, presets), options, cancellationToken);
}
