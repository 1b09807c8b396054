using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Records;
using SelfCorrect.Evaluation.Running;
using SelfCorrect.Evaluation.Runs;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Everything a jailbreak run needs besides the model clients.</summary>
public sealed record JailbreakRunRequest
{
    public required string DataPath { get; init; }
    public int? Limit { get; init; }
    public required IReadOnlyList<JailbreakAttack> Attacks { get; init; }
    public required IReadOnlyList<string> Defenses { get; init; }
    /// <summary>CaC rounds; ASR is reported after each.</summary>
    public int Rounds { get; init; } = 3;
    /// <summary>icd demonstrations / backup dialogues.</summary>
    public int Demonstrations { get; init; } = 1;
    public PromptPresets Presets { get; init; } = PromptPresets.Default;
    public string? PresetsFile { get; init; }
    public string? CheckPrompt { get; init; }
    public string? SystemPrompt { get; init; }
    public required JsonObject Model { get; init; }
    public ChatOptions? ChatOptions { get; init; }
    public required JudgeSet Judges { get; init; }
    public string LlmJudgePrompt { get; init; } = LlmJudge.DefaultPrompt;
    public RunnerOptions Runner { get; init; } = new();
    public required string OutDirectory { get; init; }
    public bool Force { get; init; }
}

public sealed record JailbreakRunResult(string Directory, int Planned, int AlreadyDone, RunOutcome Generation, RunOutcome? Judging,
    JailbreakMetrics Metrics, IReadOnlyList<string> DiscardedTornLines);

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
        request.Runner.Validate();
        if (request.Defenses.Count == 0) throw new ArgumentException("--defenses: none given");
        if (request.Defenses.Distinct().Count() != request.Defenses.Count) throw new ArgumentException("--defenses: a defence is given twice");
        if (request.Attacks.Select(a => a.Name).Distinct().Count() != request.Attacks.Count) throw new ArgumentException("--attack: an attack kind is given twice");
        var rows = AdvBench.Load(request.DataPath, request.Limit);
        var defenses = request.Defenses.Select(name => CreateDefense(name, request)).ToList();
        var attackPrompts = request.Attacks.Select(a => (Attack: a, Prompts: a.Build(rows))).ToList();
        var plan = (from defense in defenses from attack in attackPrompts from prompt in attack.Prompts.Prompts select new Sample(defense.Name, prompt)).ToList();
        if (plan.Count == 0) throw new ArgumentException("empty selection: no attacked prompt for the selected rows");

        var settings = new JsonObject
        {
            ["benchmark"] = "jailbreak",
            ["data"] = RunFolder.DescribeFiles([request.DataPath]),
            ["limit"] = request.Limit,
            ["rows"] = rows.Count,
            ["attacks"] = new JsonArray([.. attackPrompts.Select(a => (JsonNode)new JsonObject
            {
                ["name"] = a.Attack.Name,
                ["spec"] = a.Attack.Spec,
                ["file"] = a.Attack.File is null ? null : RunFolder.DescribeFiles([a.Attack.File])[0]!.DeepClone(),
                ["prompts"] = a.Prompts.Prompts.Count,
                ["rows_without_prompt"] = new JsonArray([.. a.Prompts.MissingRows.Select(i => (JsonNode)i)]),
            })]),
            ["model"] = request.Model.DeepClone(),
            ["system_prompt"] = request.SystemPrompt,
            ["presets_file"] = request.PresetsFile is null ? null : Path.GetFullPath(request.PresetsFile),
            ["defenses"] = new JsonArray([.. defenses.Select(d => (JsonNode)d.Describe())]),
            ["judges"] = request.Judges.Describe(request.Judges.LlmModelSpec is null ? null : request.LlmJudgePrompt),
            [RunFolder.RuntimeSection] = request.Runner.Describe(),
        };
        if (request.Judges.LlmModelSpec is not null && judgeClient is null) throw new ArgumentException("--judge llm: no judge client");
        using var folder = RunFolder.Open(request.OutDirectory, settings, request.Force);
        var stores = defenses.ToDictionary(d => d.Name,
            d => RecordStore<ResponseRecord>.Open(folder.PathOf(ResponsesFileName(d.Name)), ResponsesFile.Parser(SampleKeyFormat.Jailbreak)));
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
                request.Runner, new FailureLogging(progress, folder), stop);
        }
        finally
        {
            foreach (var store in stores.Values) store.Dispose();
        }

        var responses = defenses.Select(d => new DefenseResponses(d.Name,
            ResponsesFile.ReadAll(folder.PathOf(ResponsesFileName(d.Name)), SampleKeyFormat.Jailbreak))).ToList();
        var (judging, verdicts, judgeTorn) = await JudgeAsync(responses, rows, request.Judges, judgeClient, request.LlmJudgePrompt, folder,
            request.Runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        var metrics = JailbreakScoring.Compute(responses, request.Judges.Refusal, verdicts);
        folder.WriteMetrics(new Coverage(plan.Count, responses.Sum(r => r.Records.Count)).Wrap(metrics));
        return new JailbreakRunResult(folder.Directory, plan.Count, alreadyDone, generation, judging, metrics, torn);
    }

    public static Task<ResponseRecord> EvaluateAsync(IChatClient client, AttackedPrompt prompt, string? systemPrompt, ChatOptions? options,
        CancellationToken cancellationToken) =>
        ResponseRecorder.AskAsync(client, new ResponseRecord { Index = prompt.Index, Attack = prompt.Attack }, systemPrompt, prompt.Prompt,
            options, cancellationToken);

    /// <summary>
    /// Runs the LLM judge over every judged text not yet in the folder's judgements.jsonl (resumable like the
    /// responses) and returns all verdicts; without an LLM judge, nothing runs and the verdicts are null.
    /// </summary>
    public static async Task<(RunOutcome? Outcome, IReadOnlyDictionary<string, bool?>? Verdicts, string? Torn)> JudgeAsync(
        IReadOnlyList<DefenseResponses> responses, IReadOnlyList<AdvBenchBehavior> rows, JudgeSet judges, IChatClient? judgeClient,
        string judgePrompt, RunFolder folder, RunnerOptions runner, IRunProgress progress, CancellationToken stop)
    {
        if (judges.LlmModelSpec is null || judgeClient is null) return (null, null, null);
        JailbreakScoring.CheckIndices(responses, rows.Count);
        var judge = new LlmJudge(judgeClient, judgePrompt);
        string path = folder.PathOf(JudgementsFileName);
        RunOutcome outcome;
        string? torn;
        using (var store = RecordStore<Judgement>.Open(path, Judgement.Parser))
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
                runner, new FailureLogging(progress, folder), stop);
        }
        var verdicts = JsonLinesFile.Read(path, Judgement.Parser).Lines.ToDictionary(l => l.Key, l => l.Value.Jailbroken);
        return (outcome, verdicts, torn);
    }
}

/// <summary>Rescoring of saved jailbreak outputs with any judges; only an LLM judge calls a model.</summary>
public static class JailbreakRescoring
{
    public sealed record Result(string Directory, JailbreakMetrics Metrics, int Records, RunOutcome? Judging, IReadOnlyList<string> IgnoredTornLines);

    public static async Task<Result> RunAsync(string dataPath, IReadOnlyList<string> responsesPaths, JudgeSet judges, IChatClient? judgeClient,
        string judgePrompt, string? outDirectory, RunnerOptions runner, IRunProgress progress, CancellationToken stop)
    {
        var rows = AdvBench.Load(dataPath);
        if (responsesPaths.Count == 0) throw new ArgumentException("--responses: no file given");
        var responses = new List<DefenseResponses>();
        var torn = new List<string>();
        foreach (string path in responsesPaths)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"--responses: file '{path}' not found");
            var contents = JsonLinesFile.Read(path, ResponsesFile.Parser(SampleKeyFormat.Jailbreak));
            if (contents.Lines.Count == 0) throw new InvalidDataException($"{path}:1: no records to score");
            string defense = JailbreakRun.DefenseOf(path);
            if (responses.Any(r => r.Defense == defense)) throw new ArgumentException($"--responses: two files for the defence '{defense}'");
            responses.Add(new DefenseResponses(defense, contents.Lines));
            if (contents.TornTail is not null) torn.Add(contents.TornTail);
        }
        JailbreakScoring.CheckIndices(responses, rows.Count);
        string directory = outDirectory ?? Path.GetDirectoryName(Path.GetFullPath(responsesPaths[0]))!;
        var scoring = new JsonObject
        {
            ["benchmark"] = "jailbreak",
            ["data"] = RunFolder.DescribeFiles([dataPath]),
            ["responses"] = RunFolder.DescribeFiles(responsesPaths),
            ["judges"] = judges.Describe(judges.LlmModelSpec is null ? null : judgePrompt),
        };
        using var folder = RunFolder.OpenForScoring(directory, scoring);
        var (judging, verdicts, judgeTorn) = await JailbreakRun.JudgeAsync(responses, rows, judges, judgeClient, judgePrompt, folder, runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        var metrics = JailbreakScoring.Compute(responses, judges.Refusal, verdicts);
        int records = responses.Sum(r => r.Records.Count);
        folder.WriteMetrics(new Coverage(records, records).Wrap(metrics));
        return new Result(directory, metrics, records, judging, torn);
    }
}
