using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Runs a BBQ evaluation into a resumable run directory.</summary>
public static class BbqRun
{
    public const string ResponsesFileName = "responses.jsonl";
    public static readonly IReadOnlyList<string> StrategyNames = ["none", "cac", "instruction", "cot"];

    /// <summary>
    /// none: the question with the answer prefill; cac: Checking-as-Context with the BBQ presets (cac-protocol.md §2);
    /// instruction and cot: the Ganguli et al. variants.
    /// </summary>
    public static ICorrectionStrategy CreateStrategy(string name, int rounds, PromptPresets presets, string? checkPrompt)
    {
        if (name != "cac" && rounds != 1 && rounds != 0)
            throw new ArgumentException($"--rounds: only the cac strategy has rounds (got {rounds} with --strategy {name})");
        var settings = new StrategySettings { Presets = presets, Protocol = CorrectionProtocol.Bbq, CheckPrompt = checkPrompt };
        return name switch
        {
            "none" => new CheckingAsContext(CorrectionStrategies.CacOptions(settings with { Rounds = 0 })),
            "cac" when rounds < 1 => throw new ArgumentException($"--rounds: cac needs at least 1 round (got {rounds})"),
            "cac" => CorrectionStrategies.Create("cac", settings with { Rounds = rounds }),
            "instruction" => new DebiasInstruction(presets.BbqDebiasInstruction, presets.BbqAnswerPrefill),
            "cot" => new ChainOfThought(presets.BbqChainOfThoughtPrefix, presets.BbqChainOfThoughtFollowUp, presets.BbqChainOfThoughtPrefill),
            _ => throw new ArgumentException($"--strategy: unknown BBQ strategy '{name}' (expected one of {string.Join(", ", StrategyNames)})"),
        };
    }

    public static string QuestionTurn(BbqExample example, PromptPresets presets) => presets.BbqQuestionTemplate
        .Replace("{context}", example.Context, StringComparison.Ordinal)
        .Replace("{question}", example.Question, StringComparison.Ordinal)
        .Replace("{ans0}", example.Answers[0], StringComparison.Ordinal)
        .Replace("{ans1}", example.Answers[1], StringComparison.Ordinal)
        .Replace("{ans2}", example.Answers[2], StringComparison.Ordinal);

    /// <summary>Every prompt the strategy sends, as recorded in settings.json.</summary>
    public static JsonObject DescribeStrategy(string name, int rounds, PromptPresets presets, string? checkPrompt, string? presetsFile)
    {
        var description = new JsonObject
        {
            ["name"] = name,
            ["presets_file"] = presetsFile is null ? null : Path.GetFullPath(presetsFile),
            ["question_template"] = presets.BbqQuestionTemplate,
        };
        switch (name)
        {
            case "none":
                description["answer_prefill"] = presets.BbqAnswerPrefill;
                break;
            case "cac":
                description["rounds"] = rounds;
                description["answer_prefill"] = presets.BbqAnswerPrefill;
                description["check_prompt"] = checkPrompt ?? presets.BbqCheckPrompt;
                description["re_ask_template"] = presets.BbqReAskTemplate;
                break;
            case "instruction":
                description["answer_prefill"] = presets.BbqAnswerPrefill;
                description["instruction"] = presets.BbqDebiasInstruction;
                break;
            case "cot":
                description["reasoning_prefix"] = presets.BbqChainOfThoughtPrefix;
                description["follow_up"] = presets.BbqChainOfThoughtFollowUp;
                description["answer_prefill"] = presets.BbqChainOfThoughtPrefill;
                break;
        }
        return description;
    }

    public static async Task<BbqRunResult> RunAsync(BbqRunRequest request, IChatClient backend, IRunProgress progress, CancellationToken stop)
    {
        var plan = request.Prepare();
        var model = (JsonObject)request.Model.DeepClone();
        model["prefill_supported"] = backend.GetService<AssistantPrefillSupport>() is not null;
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
            ["system_prompt"] = request.SystemPrompt,
            ["strategy"] = DescribeStrategy(request.Strategy, request.Rounds, request.Presets, request.CheckPrompt, request.PresetsFile),
            ["grader"] = "first sentence, option text / letter / unknown phrase, exactly one option (docs/protocols.md §3)",
            [RunSettings.RuntimeSection] = request.Runner.Describe(),
        };
        using var directory = EvaluationDirectory.OpenRun(request.OutDirectory, settings, request.Force,
            nameof(BbqRunRequest.OutDirectory), nameof(BbqRunRequest.Force));
        string responsesPath = directory.PathOf(ResponsesFileName);
        RunOutcome outcome;
        string? torn;
        int alreadyDone;
        using (var store = RecordStore<ResponseRecord>.Open(responsesPath, ResponsesFile.Parser(SampleKeyFormat.Bbq)))
        {
            torn = store.DiscardedTornLine;
            alreadyDone = store.Count;
            var pending = plan.Selected.Where(e => !store.Contains(e.Key)).ToList();
            using var limited = request.Runner.RequestsPerMinute is int rpm ? new RateLimitedChatClient(backend, rpm) : null;
            var client = plan.Strategy.Apply(limited ?? backend);
            outcome = await EvaluationRunner.RunAsync("bbq", pending, alreadyDone, e => e.Key,
                async (example, cancellationToken) =>
                {
                    var record = await EvaluateAsync(client, example, request.Presets, request.SystemPrompt, request.ChatOptions, cancellationToken);
                    store.Append(example.Key, record.ToJsonLine());
                },
                request.Runner, new FailureLogging(progress, directory), stop);
        }
        var records = ResponsesFile.ReadAll(responsesPath, SampleKeyFormat.Bbq);
        var metrics = BbqScoring.Compute(BbqScoring.Grade(plan.Examples, records));
        directory.WriteMetrics(new Coverage(plan.Selected.Count, records.Count).Wrap(metrics));
        return new BbqRunResult(directory.Path, plan.Selected.Count, alreadyDone, outcome, metrics, torn);
    }

    public static Task<ResponseRecord> EvaluateAsync(IChatClient client, BbqExample example, PromptPresets presets, string? systemPrompt,
        ChatOptions? options, CancellationToken cancellationToken) =>
        ResponseRecorder.AskAsync(client, new ResponseRecord { Category = example.Category, ExampleId = example.ExampleId },
            systemPrompt, QuestionTurn(example, presets), options, cancellationToken);
}
