using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>Rescoring of saved jailbreak outputs with any judges; only an LLM judge calls a model.</summary>
public static class JailbreakRescoring
{
    public sealed record Result(string Directory, JailbreakMetrics Metrics, int Records, RunOutcome? Judging, IReadOnlyList<string> IgnoredTornLines);

    /// <param name="judgeClient">The LLM judge's client when <see cref="JudgeSet.LlmModelSpec"/> is set.</param>
    public static async Task<Result> RunAsync(JailbreakScoringRequest request, IChatClient? judgeClient, IRunProgress progress, CancellationToken stop)
    {
        request.Validate();
        var rows = AdvBench.Load(request.DataPath);
        var responses = new List<DefenseResponses>();
        var torn = new List<string>();
        foreach (string path in request.ResponsesPaths)
        {
            if (!File.Exists(path)) throw new InvalidSettingException(nameof(JailbreakScoringRequest.ResponsesPaths), $"file '{path}' not found");
            var contents = JsonLinesFile.Read(path, ResponsesFile.Parser(SampleKeyFormat.Jailbreak));
            if (contents.Lines.Count == 0) throw new InvalidDataException($"{path}:1: no records to score");
            string defense = JailbreakRun.DefenseOf(path);
            if (responses.Any(r => r.Defense == defense))
                throw new InvalidSettingException(nameof(JailbreakScoringRequest.ResponsesPaths), $"two files for the defence '{defense}'");
            responses.Add(new DefenseResponses(defense, contents.Lines));
            if (contents.TornTail is not null) torn.Add(contents.TornTail);
        }
        JailbreakScoring.CheckIndices(responses, rows.Count);
        var scoring = new JsonObject
        {
            ["benchmark"] = "jailbreak",
            ["data"] = InputFiles.Describe([request.DataPath]),
            ["responses"] = InputFiles.Describe(request.ResponsesPaths),
            ["judges"] = request.Judges.Describe(request.Judges.LlmModelSpec is null ? null : request.LlmJudgePrompt),
        };
        using var directory = EvaluationDirectory.OpenForScoring(request.ResolvedOutDirectory, scoring, nameof(JailbreakScoringRequest.OutDirectory));
        var (judging, verdicts, judgeTorn) = await JailbreakRun.JudgeAsync(responses, rows, request.Judges, judgeClient, request.LlmJudgePrompt,
            directory, request.Runner, progress, stop);
        if (judgeTorn is not null) torn.Add(judgeTorn);
        var metrics = JailbreakScoring.Compute(responses, request.Judges.Refusal, verdicts);
        int records = responses.Sum(r => r.Records.Count);
        directory.WriteMetrics(new Coverage(records, records).Wrap(metrics));
        return new Result(directory.Path, metrics, records, judging, torn);
    }
}
