using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>Rescoring of saved over-refusal outputs with any judges; only an LLM judge calls a model.</summary>
public static class OverrefusalRescoring
{
    /// <summary>
    /// Classifies the saved responses with the request's judges (an LLM judge resumes from judgements.jsonl in the output
    /// directory) and writes metrics.json and scoring.json; the responses files are never modified.
    /// </summary>
    /// <param name="request">The data, the responses files and the judges.</param>
    /// <param name="judgeClient">The LLM judge's client when <see cref="OverrefusalJudges.LlmModelSpec"/> is set.</param>
    /// <param name="progress">Receives progress and failures of the LLM judge.</param>
    /// <param name="stop">Stops judging: verdicts in flight are written, no new one starts.</param>
    public static async Task<RescoringResult<OverrefusalMetrics>> RunAsync(OverrefusalScoringRequest request, IChatClient? judgeClient,
        IRunProgress progress, CancellationToken stop)
    {
        request.Validate();
        var prompts = XsTest.Load(request.DataPath, null, nameof(OverrefusalScoringRequest.DataPath), nameof(OverrefusalScoringRequest.DataPath));
        var saved = DefenseRun.ReadResponses(request.ResponsesPaths, SampleKeyFormat.XsTest, nameof(OverrefusalScoringRequest.ResponsesPaths));
        var responses = saved.Responses;
        var torn = saved.TornLines.ToList();
        OverrefusalScoring.CheckIds(responses, prompts);
        var scoring = new JsonObject
        {
            ["benchmark"] = "overrefusal",
            ["data"] = InputFiles.Describe([request.DataPath]),
            ["responses"] = InputFiles.Describe(saved.Files),
            ["judges"] = request.Judges.Describe(request.LlmJudgePrompt),
        };
        using var directory = EvaluationDirectory.OpenForScoring(request.ResolvedOutDirectory, scoring, nameof(OverrefusalScoringRequest.OutDirectory));
        var (judging, verdicts, judgeTorn) = await OverrefusalRun.JudgeAsync(responses, prompts, request.Judges, judgeClient, request.LlmJudgePrompt,
            directory, request.Runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        var metrics = OverrefusalScoring.Compute(responses, prompts, request.Judges, verdicts);
        directory.WriteMetrics(new Coverage(saved.Expected, saved.Recorded, saved.Shards).Wrap(metrics));
        return new RescoringResult<OverrefusalMetrics>(directory.Path, metrics, saved.Recorded, judging, torn) { Shards = saved.Shards };
    }
}
