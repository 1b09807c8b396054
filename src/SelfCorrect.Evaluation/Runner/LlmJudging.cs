using System.Text.Json;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// Runs an LLM judge over texts, resumable like the responses: each verdict is a line of the directory's
/// <c>judgements.jsonl</c> (each shard of a sharded run has its own), keyed so a rerun judges only what is missing.
/// What jailbreak and over-refusal judging share.
/// </summary>
public static class LlmJudging
{
    /// <summary>The file in the run (or scoring) directory that keeps one verdict per line.</summary>
    public const string JudgementsFileName = "judgements.jsonl";

    /// <summary>The verdicts of a judge other than the LLM judge: <c>judgements-NAME.jsonl</c>.</summary>
    public static string JudgementsFileNameOf(string judge) => $"judgements-{judge}.jsonl";

    /// <summary>The judge prompt: <paramref name="defaultPrompt"/>, or the text of a file that holds every placeholder.</summary>
    internal static string LoadPrompt(string? path, string defaultPrompt, params string[] placeholders)
    {
        if (path is null) return defaultPrompt;
        string text = File.ReadAllText(path);
        if (!placeholders.All(p => text.Contains(p, StringComparison.Ordinal)))
            throw new InvalidDataException($"{path}:1: a judge prompt needs the placeholders {string.Join(" and ", placeholders)}");
        return text;
    }

    /// <summary>One text to judge: the key of its verdict line, and the call that produces that line.</summary>
    internal sealed record Pending<T>(string Key, Func<CancellationToken, Task<T>> Judge);

    /// <summary>
    /// Judges every text whose key is not yet in the verdicts file (judgements.jsonl by default; this shard's, in a
    /// sharded run); returns all verdict lines by key, of every shard.
    /// </summary>
    internal static async Task<(RunOutcome Outcome, IReadOnlyDictionary<string, T> Judgements, string? Torn)> RunAsync<T>(
        IReadOnlyList<Pending<T>> texts, KeyedLineParser<T> parser, EvaluationDirectory directory, RunnerOptions runner, IRunProgress progress,
        CancellationToken stop, string fileName = JudgementsFileName)
    {
        string path = directory.RecordPath(fileName);
        RunOutcome outcome;
        string? torn;
        using (var store = RecordStore<T>.Open(path, parser, runner.RecordSync))
        {
            torn = store.DiscardedTornLine;
            var pending = texts.Where(t => !store.Contains(t.Key)).ToList();
            outcome = await EvaluationRunner.RunAsync("judge", pending, texts.Count - pending.Count, t => t.Key,
                async (text, cancellationToken) => store.Append(text.Key, JsonSerializer.Serialize(await text.Judge(cancellationToken), ResponseRecord.JsonOptions)),
                runner, new FailureLogging(progress, directory), stop);
        }
        return (outcome, ReadAll(directory, parser, fileName), torn);
    }

    /// <summary>The verdict lines of every shard's verdicts file, by key.</summary>
    internal static IReadOnlyDictionary<string, T> ReadAll<T>(EvaluationDirectory directory, KeyedLineParser<T> parser, string fileName = JudgementsFileName) =>
        directory.ReadAllShards(fileName, parser, _ => 0).Lines.ToDictionary(l => l.Key, l => l.Value);
}
