using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>
/// Runs every defence on the XSTest prompts into one resumable run directory (the jailbreak run's machinery: one
/// responses file per defence, keyed by the CSV's id), then classifies every answer as compliance or refusal.
/// </summary>
public static class OverrefusalRun
{
    /// <summary>
    /// Runs every defence on every prompt not yet recorded in the run directory, judges the responses (the LLM judge resumable too) and
    /// writes metrics.json. A directory of other settings is refused unless the request's Force is set.
    /// </summary>
    /// <param name="request">The data, defences, judges and settings.</param>
    /// <param name="backend">The model under evaluation.</param>
    /// <param name="judgeClient">The LLM judge's client when <see cref="OverrefusalJudges.LlmModelSpec"/> is set.</param>
    /// <param name="progress">Receives progress and failures of generation and judging.</param>
    /// <param name="stop">Stops the run: samples in flight are written, no new one starts.</param>
    public static async Task<DefenseRunResult<OverrefusalMetrics>> RunAsync(OverrefusalRunRequest request, IChatClient backend, IChatClient? judgeClient,
        IRunProgress progress, CancellationToken stop)
    {
        var (prompts, defenses) = request.Prepare();
        var settings = new JsonObject
        {
            ["benchmark"] = "overrefusal",
            ["data"] = InputFiles.Describe([request.DataPath]),
            ["limit"] = request.Limit,
            ["prompts"] = prompts.Count,
        };
        request.Model.DescribeIn(settings, defenses);
        settings["judges"] = request.Judges.Describe(request.LlmJudgePrompt);
        settings[RunSettings.RuntimeSection] = request.Runner.Describe();
        if (request.Judges.LlmModelSpec is not null && judgeClient is null) throw new ArgumentNullException(nameof(judgeClient), "the judges include an LLM judge");
        using var directory = EvaluationDirectory.OpenRun(request.OutDirectory, settings, request.Force,
            nameof(OverrefusalRunRequest.OutDirectory), nameof(OverrefusalRunRequest.Force), request.Shard);
        var generation = await DefenseRun.GenerateAsync("overrefusal", defenses,
            prompts.Select(p => new DefensePrompt(p.Id, new ResponseRecord { Id = p.Id }, p.Prompt)).ToList(),
            SampleKeyFormat.XsTest, directory, backend, request.Model.ProtocolOrPlain.SystemPrompt, request.Model.ProtocolOrPlain.ChatOptions, request.Runner, progress, stop);
        var torn = generation.TornLines.ToList();
        var (judging, verdicts, judgeTorn) = await JudgeAsync(generation.Responses, prompts, request.Judges, judgeClient, request.LlmJudgePrompt,
            directory, request.Runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        // Every shard's responses and verdicts, read while this shard holds the directory's turn.
        var (metrics, shards) = directory.WriteMergedMetrics(() =>
        {
            var (responses, shards) = DefenseRun.ReadAllShards(directory, defenses, prompts.Count, SampleKeyFormat.XsTest);
            var metrics = OverrefusalScoring.Compute(responses, prompts, request.Judges,
                verdicts is null ? null : Verdicts(LlmJudging.ReadAll(directory, RefusalJudgement.Parser)));
            return ((metrics, shards), new Coverage(defenses.Count * prompts.Count, responses.Sum(r => r.Records.Count), shards).Wrap(metrics));
        });
        return new DefenseRunResult<OverrefusalMetrics>(directory.Path, defenses.Count * directory.Shard.SizeOf(prompts.Count), generation.AlreadyDone,
            generation.Recorded, generation.Outcome, judging, metrics, torn) { Shards = shards };
    }

    /// <summary>
    /// Runs the three-class LLM judge over every answer not yet in the directory's judgements.jsonl and returns all
    /// verdicts; without an LLM judge, nothing runs and the verdicts are null.
    /// </summary>
    public static async Task<(RunOutcome? Outcome, IReadOnlyDictionary<string, RefusalClass?>? Verdicts, string? Torn)> JudgeAsync(
        IReadOnlyList<DefenseResponses> responses, IReadOnlyList<XsTestPrompt> prompts, OverrefusalJudges judges, IChatClient? judgeClient,
        string judgePrompt, EvaluationDirectory directory, RunnerOptions runner, IRunProgress progress, CancellationToken stop)
    {
        if (judges.LlmModelSpec is null || judgeClient is null) return (null, null, null);
        var judge = new RefusalLlmJudge(judgeClient, judgePrompt);
        var texts = OverrefusalScoring.Texts(responses, prompts).Select(text => new LlmJudging.Pending<RefusalJudgement>(text.Key, async cancellationToken =>
        {
            var (verdict, reply) = await judge.JudgeAsync(text.Prompt.Prompt, text.Answer.Text, cancellationToken);
            return new RefusalJudgement { Defense = text.Defense, Id = text.Prompt.Id, Stage = text.Answer.Stage, Verdict = verdict?.Name(), Reply = reply };
        })).ToList();
        var (outcome, judgements, torn) = await LlmJudging.RunAsync(texts, RefusalJudgement.Parser, directory, runner, progress, stop);
        return (outcome, Verdicts(judgements), torn);
    }

    private static Dictionary<string, RefusalClass?> Verdicts(IReadOnlyDictionary<string, RefusalJudgement> judgements) =>
        judgements.ToDictionary(j => j.Key, j => RefusalClasses.Parse(j.Value.Verdict));
}
