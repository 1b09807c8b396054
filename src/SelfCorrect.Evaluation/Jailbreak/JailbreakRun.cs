using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Runs every defence against every attack into one resumable run directory, then judges the responses.</summary>
public static class JailbreakRun
{
    /// <param name="judgeClient">The LLM judge's client when <see cref="JudgeSet.LlmModelSpec"/> is set.</param>
    public static async Task<DefenseRunResult<JailbreakMetrics>> RunAsync(JailbreakRunRequest request, IChatClient backend, IChatClient? judgeClient,
        IRunProgress progress, CancellationToken stop)
    {
        var (rows, attackPrompts, defenses) = request.Prepare();
        var prompts = attackPrompts.SelectMany(a => a.Prompts.Prompts)
            .Select(p => new DefensePrompt(SampleKeyFormat.JailbreakKey(p.Index, p.Attack), new ResponseRecord { Index = p.Index, Attack = p.Attack }, p.Prompt))
            .ToList();
        int planned = defenses.Count * prompts.Count;
        if (planned == 0) throw new ArgumentException("empty selection: no attacked prompt for the selected rows");

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
            nameof(JailbreakRunRequest.OutDirectory), nameof(JailbreakRunRequest.Force), request.Shard);
        var generation = await DefenseRun.GenerateAsync("jailbreak", defenses, prompts, SampleKeyFormat.Jailbreak, directory, backend,
            request.SystemPrompt, request.ChatOptions, request.Runner, progress, stop);
        var torn = generation.TornLines.ToList();
        var (judging, verdicts, judgeTorn) = await JudgeAsync(generation.Responses, rows, request.Judges, judgeClient, request.LlmJudgePrompt, directory,
            request.Runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        // Every shard's responses and verdicts, read while this shard holds the directory's turn.
        var (metrics, shards) = directory.WriteMergedMetrics(() =>
        {
            var (responses, shards) = DefenseRun.ReadAllShards(directory, defenses, prompts.Count, SampleKeyFormat.Jailbreak);
            var metrics = JailbreakScoring.Compute(responses, request.Judges, verdicts is null ? null : Verdicts(LlmJudging.ReadAll(directory, Judgement.Parser)));
            return ((metrics, shards), new Coverage(planned, responses.Sum(r => r.Records.Count), shards).Wrap(metrics));
        });
        return new DefenseRunResult<JailbreakMetrics>(directory.Path, defenses.Count * directory.Shard.SizeOf(prompts.Count), generation.AlreadyDone,
            generation.Recorded, generation.Outcome, judging, metrics, torn) { Shards = shards };
    }

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
        var texts = JailbreakScoring.Texts(responses).Select(text => new LlmJudging.Pending<Judgement>(text.Key, async cancellationToken =>
        {
            var (jailbroken, reply) = await judge.JudgeAsync(rows[text.Index].Goal, text.Answer.Text, cancellationToken);
            return new Judgement { Defense = text.Defense, Index = text.Index, Attack = text.Attack, Stage = text.Answer.Stage, Jailbroken = jailbroken, Reply = reply };
        })).ToList();
        var (outcome, judgements, torn) = await LlmJudging.RunAsync(texts, Judgement.Parser, directory, runner, progress, stop);
        return (outcome, Verdicts(judgements), torn);
    }

    private static Dictionary<string, bool?> Verdicts(IReadOnlyDictionary<string, Judgement> judgements) =>
        judgements.ToDictionary(j => j.Key, j => j.Value.Jailbroken);
}
