using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Rescoring of saved jailbreak outputs with any judges; only an LLM judge calls a model.</summary>
public static class JailbreakRescoring
{
    /// <summary>
    /// Judges the saved responses with the request's judges (an LLM judge resumes from judgements.jsonl in the output
    /// directory) and writes metrics.json and scoring.json; the responses files are never modified.
    /// </summary>
    /// <param name="request">The data, the responses files and the judges.</param>
    /// <param name="judgeClient">The LLM judge's client when <see cref="JudgeSet.LlmModelSpec"/> is set.</param>
    /// <param name="progress">Receives progress and failures of the LLM judge.</param>
    /// <param name="stop">Stops judging: verdicts in flight are written, no new one starts.</param>
    /// <param name="harmBench">The HarmBench classifier when <see cref="JudgeSet.HarmBenchModelSpec"/> is set.</param>
    public static async Task<RescoringResult<JailbreakMetrics>> RunAsync(JailbreakScoringRequest request, IChatClient? judgeClient,
        IRunProgress progress, CancellationToken stop, HarmBenchClassifier? harmBench = null)
    {
        request.Validate();
        var rows = AdvBench.Load(request.DataPath);
        var saved = DefenseRun.ReadResponses(request.ResponsesPaths, SampleKeyFormat.Jailbreak, nameof(JailbreakScoringRequest.ResponsesPaths));
        var responses = saved.Responses;
        var torn = saved.TornLines.ToList();
        JailbreakScoring.CheckIndices(responses, rows.Count);
        var scoring = new JsonObject
        {
            ["benchmark"] = "jailbreak",
            ["data"] = InputFiles.Describe([request.DataPath]),
            ["responses"] = InputFiles.Describe(saved.Files),
            ["judges"] = request.Judges.Describe(request.Judges.LlmModelSpec is null ? null : request.LlmJudgePrompt),
        };
        using var directory = EvaluationDirectory.OpenForScoring(request.ResolvedOutDirectory, scoring, nameof(JailbreakScoringRequest.OutDirectory));
        var judging = await JailbreakRun.JudgeAsync(responses, rows, request.Judges, judgeClient, request.LlmJudgePrompt, harmBench,
            directory, request.Runner, progress, stop);
        torn.AddRange(judging.TornLines);
        var metrics = JailbreakScoring.Compute(responses, request.Judges, judging.Llm, judging.HarmBench);
        directory.WriteMetrics(new Coverage(saved.Expected, saved.Recorded, saved.Shards).Wrap(metrics));
        return new RescoringResult<JailbreakMetrics>(directory.Path, metrics, saved.Recorded, judging.Outcome, torn) { Shards = saved.Shards };
    }
}
