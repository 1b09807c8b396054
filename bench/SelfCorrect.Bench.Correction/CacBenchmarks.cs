using System.Diagnostics;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Bench.Correction;

public static class CacBenchmarks
{
    private const int OutputTokens = 16;
    private static readonly ChatOptions Greedy = new() { Temperature = 0f, MaxOutputTokens = OutputTokens, Seed = 0 };

    private static List<ChatMessage> Question(int variant) =>
    [
        new(ChatRole.System, "You are a helpful assistant."),
        new(ChatRole.User, $"Write step {variant} of a plan to learn the piano in one year."),
    ];

    private static GgufChatClient Load(string path, bool reuse) =>
        (GgufChatClient)ChatBackends.Create(new ModelSpec(BackendKind.Gguf, path), new BackendOptions { ContextSize = 2048, Threads = 1, ReuseKvCache = reuse });

    /// <summary>
    /// A CaC round through the middleware vs the same three calls made by hand on the same model, interleaved run by
    /// run so that drift hits both; medians over many runs. Also the middleware's own cost over a free inner client.
    /// </summary>
    public static async Task MiddlewareOverheadAsync(string modelPath)
    {
        const int runs = 300, warmup = 20;
        var options = new SelfCorrectionOptions { Rounds = 1 };
        using var model = Load(modelPath, reuse: true);
        var middleware = new SelfCorrectingChatClient(model) { Options = options };
        var direct = new List<double>();
        var through = new List<double>();
        // Both ways must do the same work: check they give the same final answer to one question.
        bool sameAnswer = await ThreeDirectCallsAsync(model, Question(-1), options.CheckPrompt) == (await middleware.GetResponseAsync(Question(-1), Greedy)).Text;
        for (int run = 0; run < warmup + runs; run++)
        {
            // Each side gets a question of its own, so both find the same kind of cache (only the shared system
            // prompt of the previous conversation) and do the same work; the order alternates against drift.
            bool directFirst = run % 2 == 0;
            for (int side = 0; side < 2; side++)
            {
                var question = Question(2 * run + side);
                var clock = Stopwatch.StartNew();
                if ((side == 0) == directFirst)
                {
                    await ThreeDirectCallsAsync(model, question, options.CheckPrompt);
                    if (run >= warmup) direct.Add(clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    await middleware.GetResponseAsync(question, Greedy);
                    if (run >= warmup) through.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }
        double directMedian = Median(direct), throughMedian = Median(through);
        // Each run's two sides ran back to back, so their ratio cancels the load changes of a shared machine.
        double pairedRatio = Median([.. through.Zip(direct, (t, d) => t / d)]);
        double overhead = pairedRatio - 1;
        Console.WriteLine($"CaC middleware overhead (1 round = 3 generations of ≤ {OutputTokens} tokens, tiny GGUF, {runs} runs each, interleaved)");
        Console.WriteLine($"  three direct calls          median {directMedian,9:0.000} ms");
        Console.WriteLine($"  SelfCorrectingChatClient    median {throughMedian,9:0.000} ms");
        Console.WriteLine($"  ratio of medians {throughMedian / directMedian:0.0000}, median of per-run ratios {pairedRatio:0.0000}");
        Console.WriteLine($"  overhead (per-run ratios) {overhead * 100:+0.00;-0.00}%   goal < 1%   {(overhead < 0.01 ? "met" : "NOT met")}");
        Console.WriteLine($"  same final answer both ways: {(sameAnswer ? "yes" : "NO")}");

        var free = new FreeChatClient();
        var bookkeeping = new SelfCorrectingChatClient(free) { Options = options };
        var freeTimes = new List<double>();
        for (int run = 0; run < 2000 + 200; run++)
        {
            var clock = Stopwatch.StartNew();
            await bookkeeping.GetResponseAsync(Question(run), Greedy);
            if (run >= 200) freeTimes.Add(clock.Elapsed.TotalMilliseconds * 1000);
        }
        double freeMedian = Median(freeTimes);
        Console.WriteLine($"  middleware bookkeeping alone (free inner client): median {freeMedian:0.0} µs per round"
                          + $" = {freeMedian / 1000 / directMedian * 100:0.000}% of the direct round");
        Console.WriteLine();
    }

    /// <summary>What the middleware does, written out by hand: answer, check prompt, the same question again.</summary>
    private static async Task<string> ThreeDirectCallsAsync(IChatClient model, List<ChatMessage> question, string checkPrompt)
    {
        List<ChatMessage> conversation = [.. question];
        var initial = await model.GetResponseAsync(conversation, Greedy);
        conversation.Add(new ChatMessage(ChatRole.Assistant, initial.Text));
        conversation.Add(new ChatMessage(ChatRole.User, checkPrompt));
        var critique = await model.GetResponseAsync(conversation, Greedy);
        conversation.Add(new ChatMessage(ChatRole.Assistant, critique.Text));
        conversation.Add(new ChatMessage(ChatRole.User, question[^1].Text));
        return (await model.GetResponseAsync(conversation, Greedy)).Text;
    }

    /// <summary>Prompt tokens evaluated per CaC run, 1-3 rounds, with the conversation's KV cache kept vs replayed from scratch.</summary>
    public static async Task KvReuseAsync(string modelPath)
    {
        const int questions = 20;
        Console.WriteLine($"Prompt tokens evaluated per CaC run ({questions} questions, ≤ {OutputTokens} new tokens per call, tiny GGUF)");
        Console.WriteLine($"  {"rounds",6} {"calls",5} {"prompt tok",11} {"replay eval",12} {"reuse eval",11} {"saved",7} {"replay ms",10} {"reuse ms",9} {"same answers",13}");
        for (int rounds = 1; rounds <= 3; rounds++)
        {
            var replay = await RunCacAsync(modelPath, reuse: false, rounds, questions);
            var reuse = await RunCacAsync(modelPath, reuse: true, rounds, questions);
            double saved = 1 - (double)reuse.Evaluated / replay.Evaluated;
            Console.WriteLine($"  {rounds,6} {1 + 2 * rounds,5} {replay.Prompt / (double)questions,11:0.0} {replay.Evaluated / (double)questions,12:0.0} "
                              + $"{reuse.Evaluated / (double)questions,11:0.0} {saved * 100,6:0.0}% {replay.MedianMs,10:0.00} {reuse.MedianMs,9:0.00} "
                              + $"{(replay.Answers.SequenceEqual(reuse.Answers) ? "yes" : "NO"),13}");
        }
        Console.WriteLine("  (prompt tok: tokens in all prompts of a run; eval: those actually evaluated; ms: median wall time of a run)");
        Console.WriteLine();
    }

    private static async Task<(long Prompt, long Evaluated, double MedianMs, List<string> Answers)> RunCacAsync(string modelPath, bool reuse, int rounds, int questions)
    {
        using var model = Load(modelPath, reuse);
        var client = new SelfCorrectingChatClient(model) { Options = new SelfCorrectionOptions { Rounds = rounds } };
        var times = new List<double>();
        var answers = new List<string>();
        for (int i = 0; i < questions; i++)
        {
            var clock = Stopwatch.StartNew();
            answers.Add((await client.GetResponseAsync(Question(i), Greedy)).Text);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (model.PromptTokens, model.EvaluatedPromptTokens, Median(times), answers);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>An inner client that answers at once, so the middleware's own work is all that is timed.</summary>
    private sealed class FreeChatClient : IChatClient
    {
        private static readonly ChatResponse Reply = new(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 } };

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Reply);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => Reply.ToChatResponseUpdates().ToAsyncEnumerable();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
