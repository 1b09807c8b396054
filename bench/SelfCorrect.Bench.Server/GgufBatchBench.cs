using System.Diagnostics;
using System.Globalization;
using LLama.Native;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Testing;

/// <summary>
/// The tiny GGUF model in-process: 8 concurrent Checking-as-Context requests (one round: three model calls each) through
/// the batched backend vs the same requests one after another through the one-context backend, side by side, with the
/// answers compared stage by stage (greedy and seeded sampling). Each measured round asks new questions, so neither
/// side finds a previous round's conversations in its KV cache. Run twice: with llama.cpp's flash attention as it
/// chooses (on, on the CPU) and off, which makes the batched logits bit-identical to the lone ones.
/// The environment variable SELFCORRECT_LLAMA_AVX (Avx512, Avx2, Avx, None) picks LLamaSharp's CPU build; unset, it
/// takes the best the processor has. The AVX2 build multiplies the model's 8-wide output projection for a batch as one
/// matrix product where the AVX-512 one takes it row by row, so the choice moves the ratio.
/// </summary>
internal static class GgufBatchBench
{
    private const int Requests = 8;

    public static async Task RunAsync(int maxTokens, int rounds, int threads)
    {
        string? avx = Environment.GetEnvironmentVariable("SELFCORRECT_LLAMA_AVX") is { Length: > 0 } named ? named : null;
        // Before the first native call, which loads the library.
        if (avx is not null) NativeLibraryConfig.All.WithAvx(Enum.Parse<AvxLevel>(avx, ignoreCase: true));
        var spec = new ModelSpec(BackendKind.Gguf, TestModels.TinyGgufPath);
        Console.WriteLine($"tiny GGUF ({Path.GetFileName(spec.Target)}), {Requests} CaC requests (1 round, 3 calls each), {maxTokens} tokens per call at most, {threads} threads, half greedy, half sampled (seeded); llama.cpp CPU build: {avx ?? "the best the processor has"}");
        foreach (bool? flashAttention in new bool?[] { null, false })
        {
            Console.WriteLine($"flash attention: {(flashAttention is null ? "llama.cpp's choice" : "off")}; load average {LoadAverage()}");
            await CompareAsync(spec, new BackendOptions { ContextSize = 1024, Threads = threads, FlashAttention = flashAttention }, maxTokens, rounds);
        }
    }

    private static async Task CompareAsync(ModelSpec spec, BackendOptions backend, int maxTokens, int rounds)
    {
        using var alone = ChatBackends.Create(spec, backend);
        using var batched = ChatBackends.Create(spec, backend with { MaxBatch = Requests });
        await OneAfterAnotherAsync(alone, Work(round: -1, maxTokens));   // warm-up
        await TogetherAsync(batched, Work(round: -1, maxTokens));
        TimeSpan aloneTime = TimeSpan.Zero, batchedTime = TimeSpan.Zero;
        // The fastest round of each side: on a shared machine, the rounds the other work disturbed least.
        TimeSpan aloneBest = TimeSpan.MaxValue, batchedBest = TimeSpan.MaxValue;
        long tokens = 0;
        int same = 0;
        for (int round = 0; round < rounds; round++)
        {
            var work = Work(round, maxTokens);
            var clock = Stopwatch.StartNew();
            var sequential = await OneAfterAnotherAsync(alone, work);
            aloneTime += clock.Elapsed;
            aloneBest = TimeSpan.FromTicks(Math.Min(aloneBest.Ticks, clock.Elapsed.Ticks));
            clock.Restart();
            var together = await TogetherAsync(batched, work);
            batchedTime += clock.Elapsed;
            batchedBest = TimeSpan.FromTicks(Math.Min(batchedBest.Ticks, clock.Elapsed.Ticks));
            tokens += sequential.Sum(response => response.Usage?.OutputTokenCount ?? 0);
            for (int i = 0; i < Requests; i++)
            {
                var expected = StageTexts(sequential[i]).ToList();
                var actual = StageTexts(together[i]).ToList();
                int differing = expected.Zip(actual).TakeWhile(pair => pair.First == pair.Second).Count();
                if (differing == expected.Count && expected.Count == actual.Count) same++;
                else Console.WriteLine($"round {round}, request {i} ({(work[i].Options.Temperature > 0 ? "sampled" : "greedy")}): stage {differing + 1} of {expected.Count} differs");
            }
        }
        int requests = rounds * Requests;
        Console.WriteLine("mode                      requests  wall s  CaC requests/s  output tokens/s");
        Console.WriteLine(Row("one after another (1 ctx)", requests, aloneTime, tokens));
        Console.WriteLine(Row($"batched (max batch {Requests})", requests, batchedTime, tokens));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput batched / one after another: {aloneTime / batchedTime:0.00}x (fastest round of each: {aloneBest.TotalSeconds:0.000} s / {batchedBest.TotalSeconds:0.000} s = {aloneBest / batchedBest:0.00}x); requests with the same answer at every stage: {same}/{requests}; load average {LoadAverage()}"));
    }

    private static string Row(string mode, int requests, TimeSpan wall, long tokens) => string.Create(CultureInfo.InvariantCulture,
        $"{mode,-25} {requests,8}  {wall.TotalSeconds,6:0.00}  {requests / wall.TotalSeconds,14:0.00}  {tokens / wall.TotalSeconds,15:0.0}");

    private static (List<ChatMessage> Question, ChatOptions Options)[] Work(int round, int maxTokens) =>
    [
        .. Enumerable.Range(0, Requests).Select(i => (
            new List<ChatMessage> { new(ChatRole.User, $"Round {round}, question {i}: how do I bake bread?") },
            new ChatOptions { Temperature = i % 2 == 0 ? 0f : 0.9f, MaxOutputTokens = maxTokens, Seed = 1000 * round + i })),
    ];

    private static Task<ChatResponse> CacAsync(IChatClient model, (List<ChatMessage> Question, ChatOptions Options) request) =>
        new SelfCorrectingChatClient(model) { Options = new SelfCorrectionOptions { Rounds = 1 } }.GetResponseAsync(request.Question, request.Options);

    private static async Task<List<ChatResponse>> OneAfterAnotherAsync(IChatClient model, (List<ChatMessage>, ChatOptions)[] work)
    {
        var responses = new List<ChatResponse>();
        foreach (var request in work) responses.Add(await CacAsync(model, request));
        return responses;
    }

    private static async Task<List<ChatResponse>> TogetherAsync(IChatClient model, (List<ChatMessage>, ChatOptions)[] work) =>
        [.. await Task.WhenAll(work.Select(request => CacAsync(model, request)))];

    private static IEnumerable<string> StageTexts(ChatResponse response) => response.GetSelfCorrectionTrace()!.Stages.Select(stage => stage.Text);

    public static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
