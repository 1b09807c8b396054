using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Testing;

// Runner throughput: BBQ samples (strategy none: one request each) through the real OpenAI-compatible backend against
// a loopback Kestrel server that answers every request after a fixed delay. Ideal rate = concurrency / delay; the
// ratio achieved / ideal shows what the whole path (runner, backend, record store, and here the server sharing the
// CPU) loses. Side by side, the same number of requests sent directly through the backend with the same
// concurrency (no runner, no records) shows which part of the loss is the runner's. Goal: runner ≥ 0.9 × ideal at 128.
// 250 ms: a fast model call; real ones take seconds, which only makes the runner's share smaller.
double delayMs = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 250;
int[] concurrencies = args.Length > 1 ? args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 128];
var delay = TimeSpan.FromMilliseconds(delayMs);
const string KeyVariable = "SELFCORRECT_BENCH_KEY";
Environment.SetEnvironmentVariable(KeyVariable, "bench");

Console.WriteLine($"runner throughput, loopback server delay {delayMs} ms, processors: {Environment.ProcessorCount}");
Console.WriteLine($"{"concurrency",12} {"samples",8} {"ideal/s",9} {"direct/s",9} {"runner/s",9} {"runner/ideal",13} {"direct/ideal",13} {"runner/direct",14}");
await using var server = await LoopbackChatServer.StartAsync(delay, (message, _) => BbqResponder.Answer(message));
using var backend = ChatBackends.Create(new ModelSpec(BackendKind.OpenAI, "bench-model"),
    new BackendOptions { Endpoint = server.BaseUri, ApiKeyEnvironmentVariable = KeyVariable, MaxRetries = 0 });
// Warm-up: JIT, connection pool.
await RunAsync(8, 8);
double lastRatio = 0;
foreach (int concurrency in concurrencies)
{
    // About ten request rounds per level (at least 1 s of ideal time), so start-up and the last round's tail stay small.
    int samples = Math.Max(concurrency * 10, (int)Math.Ceiling(1000 / delayMs * concurrency));
    double direct = await DirectAsync(concurrency, samples);
    var outcome = await RunAsync(concurrency, samples);
    double achieved = outcome.Completed / outcome.Elapsed.TotalSeconds, ideal = concurrency / delay.TotalSeconds;
    lastRatio = achieved / ideal;
    Console.WriteLine($"{concurrency,12} {outcome.Completed,8} {ideal,9:0.0} {direct,9:0.0} {achieved,9:0.0} {lastRatio,13:0.000} {direct / ideal,13:0.000} {achieved / direct,14:0.000}");
}
Console.WriteLine($"goal: ratio >= 0.9 at concurrency {concurrencies[^1]}: {(lastRatio >= 0.9 ? "met" : "NOT met")}");
return 0;

// The same question turns as the runner sends, straight to the backend: no strategy, no records.
async Task<double> DirectAsync(int concurrency, int requests)
{
    string data = BbqResponder.WriteData(perCategory: (requests + 1) / 2);
    var questions = BbqDataset.Load(BbqDataset.ResolveFiles([data])).Take(requests).Select(e => BbqRun.QuestionTurn(e, PromptPresets.Default)).ToList();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    await Parallel.ForEachAsync(questions, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
        async (question, cancellationToken) => await backend.GetResponseAsync([new ChatMessage(ChatRole.User, question)], cancellationToken: cancellationToken));
    double rate = questions.Count / clock.Elapsed.TotalSeconds;
    Directory.Delete(data, recursive: true);
    return rate;
}

async Task<RunOutcome> RunAsync(int concurrency, int samples)
{
    string data = BbqResponder.WriteData(perCategory: (samples + 1) / 2);
    var request = new BbqRunRequest
    {
        DataPaths = [data],
        Selection = new BbqSelection([], "all", null, 0),
        Model = new JsonObject { ["spec"] = "openai:bench-model" },
        Strategy = "none",
        Runner = new RunnerOptions { Concurrency = concurrency, MaxFailures = 1 },
        OutDirectory = Path.Combine(data, "run"),
    };
    var result = await BbqRun.RunAsync(request, backend, new NoProgress(), CancellationToken.None);
    if (result.Outcome.Failed > 0) throw new InvalidOperationException($"{result.Outcome.Failed} samples failed");
    Directory.Delete(data, recursive: true);
    return result.Outcome;
}

sealed class NoProgress : IRunProgress
{
    public void Started(string what, int pending, int alreadyDone) { }
    public void Completed(bool succeeded) { }
    public void Failed(string key, Exception error) => Console.Error.WriteLine($"failed {key}: {error.Message}");
}
