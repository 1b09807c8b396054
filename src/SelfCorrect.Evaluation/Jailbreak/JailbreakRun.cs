using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Runs every defence against every attack into one resumable run directory, then judges the responses.</summary>
public static class JailbreakRun
{
    /// <summary>
    /// Runs every defence against every attack not yet recorded in the run directory, judges the responses (the LLM judge resumable too) and
    /// writes metrics.json. A directory of other settings is refused unless the request's Force is set.
    /// </summary>
    /// <param name="request">The data, attacks, defences, judges and settings.</param>
    /// <param name="backend">The model under evaluation.</param>
    /// <param name="judgeClient">The LLM judge's client when <see cref="JudgeSet.LlmModelSpec"/> is set.</param>
    /// <param name="progress">Receives progress and failures of generation and judging.</param>
    /// <param name="stop">Stops the run: samples in flight are written, no new one starts.</param>
    /// <param name="harmBench">The HarmBench classifier when <see cref="JudgeSet.HarmBenchModelSpec"/> is set.</param>
    public static async Task<DefenseRunResult<JailbreakMetrics>> RunAsync(JailbreakRunRequest request, IChatClient backend, IChatClient? judgeClient,
        IRunProgress progress, CancellationToken stop, HarmBenchClassifier? harmBench = null)
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
        };
        request.Model.DescribeIn(settings, defenses);
        settings["judges"] = request.Judges.Describe(request.Judges.LlmModelSpec is null ? null : request.LlmJudgePrompt);
        settings[RunSettings.RuntimeSection] = request.Runner.Describe();
        if (request.Judges.LlmModelSpec is not null && judgeClient is null) throw new ArgumentNullException(nameof(judgeClient), "the judges include an LLM judge");
        if (request.Judges.HarmBenchModelSpec is not null && harmBench is null) throw new ArgumentNullException(nameof(harmBench), "the judges include the HarmBench classifier");
        using var directory = EvaluationDirectory.OpenRun(request.OutDirectory, settings, request.Force,
            nameof(JailbreakRunRequest.OutDirectory), nameof(JailbreakRunRequest.Force), request.Shard);
        var generation = await DefenseRun.GenerateAsync("jailbreak", defenses, prompts, SampleKeyFormat.Jailbreak, directory, backend,
            request.Model.ProtocolOrPlain.SystemPrompt, request.Model.ProtocolOrPlain.ChatOptions, request.Runner, progress, stop);
        var torn = generation.TornLines.ToList();
        var judging = await JudgeAsync(generation.Responses, rows, request.Judges, judgeClient, request.LlmJudgePrompt, harmBench, directory,
            request.Runner, progress, stop);
        torn.AddRange(judging.TornLines);
        // Every shard's responses and verdicts, read while this shard holds the directory's turn.
        var (metrics, shards) = directory.WriteMergedMetrics(() =>
        {
            var (responses, shards) = DefenseRun.ReadAllShards(directory, defenses, prompts.Count, SampleKeyFormat.Jailbreak);
            var metrics = JailbreakScoring.Compute(responses, request.Judges,
                judging.Llm is null ? null : Verdicts(LlmJudging.ReadAll(directory, Judgement.Parser)),
                judging.HarmBench is null ? null : Verdicts(LlmJudging.ReadAll(directory, Judgement.Parser, LlmJudging.JudgementsFileNameOf(HarmBenchClassifier.Name))));
            return ((metrics, shards), new Coverage(planned, responses.Sum(r => r.Records.Count), shards).Wrap(metrics));
        });
        return new DefenseRunResult<JailbreakMetrics>(directory.Path, defenses.Count * directory.Shard.SizeOf(prompts.Count), generation.AlreadyDone,
            generation.Recorded, generation.Outcome, judging.Outcome, metrics, torn) { Shards = shards };
    }

    /// <summary>
    /// Runs each model-based judge (the LLM judge, the HarmBench classifier) over every judged text not yet in its
    /// verdicts file (resumable like the responses) and returns all verdicts; a judge that is not in the set does not run.
    /// </summary>
    public static async Task<ModelJudging> JudgeAsync(IReadOnlyList<DefenseResponses> responses, IReadOnlyList<AdvBenchBehavior> rows,
        JudgeSet judges, IChatClient? judgeClient, string judgePrompt, HarmBenchClassifier? harmBench, EvaluationDirectory directory,
        RunnerOptions runner, IRunProgress progress, CancellationToken stop)
    {
        if (judges.LlmModelSpec is not null && judgeClient is null) throw new ArgumentNullException(nameof(judgeClient), "the judges include an LLM judge");
        if (judges.HarmBenchModelSpec is not null && harmBench is null) throw new ArgumentNullException(nameof(harmBench), "the judges include the HarmBench classifier");
        JailbreakScoring.CheckIndices(responses, rows.Count);
        var llm = judges.LlmModelSpec is null ? null : await JudgeWithAsync(new LlmJudge(judgeClient!, judgePrompt).JudgeAsync, LlmJudging.JudgementsFileName);
        var harmBenchVerdicts = judges.HarmBenchModelSpec is null ? null
            : await JudgeWithAsync(harmBench!.JudgeAsync, LlmJudging.JudgementsFileNameOf(HarmBenchClassifier.Name));
        return new ModelJudging(RunOutcome.Combine(llm?.Outcome, harmBenchVerdicts?.Outcome), llm?.Verdicts, harmBenchVerdicts?.Verdicts,
            new[] { llm?.Torn, harmBenchVerdicts?.Torn }.OfType<string>().ToList());

        async Task<(RunOutcome Outcome, IReadOnlyDictionary<string, bool?> Verdicts, string? Torn)?> JudgeWithAsync(
            Func<string, string, CancellationToken, Task<(bool? Jailbroken, string Reply)>> judge, string fileName)
        {
            var texts = JailbreakScoring.Texts(responses).Select(text => new LlmJudging.Pending<Judgement>(text.Key, async cancellationToken =>
            {
                var (jailbroken, reply) = await judge(rows[text.Index].Goal, text.Answer.Text, cancellationToken);
                return new Judgement { Defense = text.Defense, Index = text.Index, Attack = text.Attack, Stage = text.Answer.Stage, Jailbroken = jailbroken, Reply = reply };
            })).ToList();
            var (outcome, judgements, torn) = await LlmJudging.RunAsync(texts, Judgement.Parser, directory, runner, progress, stop, fileName);
            return (outcome, Verdicts(judgements), torn);
        }
    }

    private static Dictionary<string, bool?> Verdicts(IReadOnlyDictionary<string, Judgement> judgements) =>
        judgements.ToDictionary(j => j.Key, j => j.Value.Jailbroken);
}

/// <summary>What the model-based judges of a jailbreak run or rescoring did: their outcome together, and each one's verdicts by text key (null: it did not run).</summary>
public sealed record ModelJudging(RunOutcome? Outcome, IReadOnlyDictionary<string, bool?>? Llm, IReadOnlyDictionary<string, bool?>? HarmBench,
    IReadOnlyList<string> TornLines);
