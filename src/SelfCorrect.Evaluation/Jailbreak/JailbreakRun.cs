using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Runs every defence against every attack into one resumable run directory, then judges the responses.</summary>
public static class JailbreakRun
{
    public const string JudgementsFileName = "judgements.jsonl";

    public static string ResponsesFileName(string defense) => $"responses-{defense}.jsonl";

    /// <summary>The defence name of a responses file: <c>responses-NAME.jsonl</c> gives NAME, any other file its stem.</summary>
    public static string DefenseOf(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        return stem.StartsWith("responses-", StringComparison.Ordinal) && stem.Length > "responses-".Length ? stem["responses-".Length..] : stem;
    }

    private sealed record Sample(string Defense, AttackedPrompt Prompt)
    {
        public string Key => SampleKeyFormat.JailbreakKey(Prompt.Index, Prompt.Attack);
    }

    /// <summary>The named defence (<see cref="CorrectionStrategies"/>); an unknown name is an error naming <c>Defenses</c>.</summary>
    public static ICorrectionStrategy CreateDefense(string name, JailbreakRunRequest request) =>
        CorrectionStrategies.Create(name, new StrategySettings
        {
            Presets = request.Presets,
            Rounds = request.Rounds,
            Demonstrations = request.Demonstrations,
            Protocol = CorrectionProtocol.Jailbreak,
            CheckPrompt = request.CheckPrompt,
        }, nameof(JailbreakRunRequest.Defenses));

    /// <param name="judgeClient">The LLM judge's client when <see cref="JudgeSet.LlmModelSpec"/> is set.</param>
    public static async Task<JailbreakRunResult> RunAsync(JailbreakRunRequest request, IChatClient backend, IChatClient? judgeClient,
        IRunProgress progress, CancellationToken stop)
    {
        var (rows, attackPrompts, defenses) = request.Prepare();
        var plan = (from defense in defenses from attack in attackPrompts from prompt in attack.Prompts.Prompts select new Sample(defense.Name, prompt)).ToList();
        if (plan.Count == 0) throw new ArgumentException("empty selection: no attacked prompt for the selected rows");

        var settings = new JsonObject
        {
            ["benchmark"] = "jailbreak",
            ["data"] = InputFiles.Describe([request.DataPath]),
            ["limit"] = request.Limit,
            ["rows"] = rows.Count,
            ["attacks"] = new JsonArray([.. attackPrompts.Select(a => (JsonNode)new JsonObject
            {
                ["name"] = a.Attack.Name,
                ["spec"] = a.Attack.Spec,
                ["file"] = a.Attack.File is null ? null : InputFiles.Describe([a.Attack.File])[0]!.DeepClone(),
                ["prompts"] = a.Prompts.Prompts.Count,
                ["rows_without_prompt"] = new JsonArray([.. a.Prompts.MissingRows.Select(i => (JsonNode)i)]),
            })]),
            ["model"] = request.Model.DeepClone(),
            ["system_prompt"] = request.SystemPrompt,
            ["presets_file"] = request.PresetsFile is null ? null : Path.GetFullPath(request.PresetsFile),
            ["defenses"] = new JsonArray([.. defenses.Select(d => (JsonNode)d.Describe())]),
            ["judges"] = request.Judges.Describe(request.Judges.LlmModelSpec is null ? null : request.LlmJudgePrompt),
            [RunSettings.RuntimeSection] = request.Runner.Describe(),
        };
        if (request.Judges.LlmModelSpec is not null && judgeClient is null) throw new ArgumentNullException(nameof(judgeClient), "the judges include an LLM judge");
        using var directory = EvaluationDirectory.OpenRun(request.OutDirectory, settings, request.Force,
            nameof(JailbreakRunRequest.OutDirectory), nameof(JailbreakRunRequest.Force));
        var stores = defenses.ToDictionary(d => d.Name,
            d => RecordStore<ResponseRecord>.Open(directory.PathOf(ResponsesFileName(d.Name)), ResponsesFile.Parser(SampleKeyFormat.Jailbreak), request.Runner.RecordSync));
        RunOutcome generation;
        int alreadyDone;
        var torn = stores.Values.Select(s => s.DiscardedTornLine).OfType<string>().ToList();
        try
        {
            alreadyDone = stores.Values.Sum(s => s.Count);
            var pending = plan.Where(s => !stores[s.Defense].Contains(s.Key)).ToList();
            using var limited = request.Runner.RequestsPerMinute is int rpm ? new RateLimitedChatClient(backend, rpm) : null;
            var clients = defenses.ToDictionary(d => d.Name, d => (limited ?? backend).AsBuilder().UseStrategy(d).Build());
            generation = await EvaluationRunner.RunAsync("jailbreak", pending, alreadyDone, s => $"{s.Defense}/{s.Key}",
                async (sample, cancellationToken) =>
                {
                    var record = await EvaluateAsync(clients[sample.Defense], sample.Prompt, request.SystemPrompt, request.ChatOptions, cancellationToken);
                    stores[sample.Defense].Append(sample.Key, record.ToJsonLine());
                },
                request.Runner, new FailureLogging(progress, directory), stop);
        }
        finally
        {
            foreach (var store in stores.Values) store.Dispose();
        }

        var responses = defenses.Select(d => new DefenseResponses(d.Name,
            ResponsesFile.ReadAll(directory.PathOf(ResponsesFileName(d.Name)), SampleKeyFormat.Jailbreak))).ToList();
        var (judging, verdicts, judgeTorn) = await JudgeAsync(responses, rows, request.Judges, judgeClient, request.LlmJudgePrompt, directory,
            request.Runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        var metrics = JailbreakScoring.Compute(responses, request.Judges.Refusal, verdicts);
        directory.WriteMetrics(new Coverage(plan.Count, responses.Sum(r => r.Records.Count)).Wrap(metrics));
        return new JailbreakRunResult(directory.Path, plan.Count, alreadyDone, generation, judging, metrics, torn);
    }

    public static Task<ResponseRecord> EvaluateAsync(IChatClient client, AttackedPrompt prompt, string? systemPrompt, ChatOptions? options,
        CancellationToken cancellationToken) =>
        ResponseRecorder.AskAsync(client, new ResponseRecord { Index = prompt.Index, Attack = prompt.Attack }, systemPrompt, prompt.Prompt,
            options, cancellationToken);

    /// <summary>
    /// Runs the LLM judge over every judged text not yet in the directory's judgements.jsonl (resumable like the
    /// responses) and returns all verdicts; without an LLM judge, nothing runs and the verdicts are null.
    /// </summary>
    public static async Task<(RunOutcome? Outcome, IReadOnlyDictionary<string, bool?>? Verdicts, string? Torn)> JudgeAsync(
        IReadOnlyList<DefenseResponses> responses, IReadOnlyList<AdvBenchBehavior> rows, JudgeSet judges, IChatClient? judgeClient,
        string judgePrompt, EvaluationDirectory directory, RunnerOptions runner, IRunProgress progress, CancellationToken stop)
    {
        if (judges.LlmModelSpec is null || judgeClient is null) return (null, null, null);
        JailbreakScoring.CheckIndices(responses, rows.Count);
        var judge = new LlmJudge(judgeClient, judgePrompt);
        string path = directory.PathOf(JudgementsFileName);
        RunOutcome outcome;
        string? torn;
        using (var store = RecordStore<Judgement>.Open(path, Judgement.Parser, runner.RecordSync))
        {
            torn = store.DiscardedTornLine;
            var texts = JailbreakScoring.Texts(responses).ToList();
            var pending = texts.Where(t => !store.Contains(Judgement.KeyOf(t.Defense, t.Index, t.Attack, t.Stage))).ToList();
            outcome = await EvaluationRunner.RunAsync("judge", pending, texts.Count - pending.Count,
                t => Judgement.KeyOf(t.Defense, t.Index, t.Attack, t.Stage),
                async (text, cancellationToken) =>
                {
                    var (jailbroken, reply) = await judge.JudgeAsync(rows[text.Index].Goal, text.Text, cancellationToken);
                    var judgement = new Judgement { Defense = text.Defense, Index = text.Index, Attack = text.Attack, Stage = text.Stage, Jailbroken = jailbroken, Reply = reply };
                    store.Append(judgement.Key, System.Text.Json.JsonSerializer.Serialize(judgement, ResponseRecord.JsonOptions));
                },
                runner, new FailureLogging(progress, directory), stop);
        }
        var verdicts = JsonLinesFile.Read(path, Judgement.Parser).Lines.ToDictionary(l => l.Key, l => l.Value.Jailbroken);
        return (outcome, verdicts, torn);
    }
}
