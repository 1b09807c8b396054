using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SelfCorrect.Correction;
using SelfCorrect.Server;
using SelfCorrect.Testing;

// The gateway's own cost, side by side in one run: the same requests sent straight to a loopback upstream with a
// fixed delay (a model's latency) and through `selfcorrect serve` (strategy none: one upstream call per request).
// Usage: dotnet run -c Release --project bench/SelfCorrect.Bench.Server [-- DELAY_MS]   (default 50)
// The tiny GGUF batched vs one after another (GgufBatchBench):
//        dotnet run -c Release --project bench/SelfCorrect.Bench.Server -- gguf [MAX_TOKENS [ROUNDS [THREADS]]]   (default 48 3 2)
if (args is ["gguf", ..])
{
    int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
    await GgufBatchBench.RunAsync(maxTokens: Arg(1, 48), rounds: Arg(2, 3), threads: Arg(3, 2));
    return;
}
int delayMs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
const string KeyVariable = "SELFCORRECT_BENCH_UPSTREAM_KEY";
Environment.SetEnvironmentVariable(KeyVariable, "bench");

await using var upstream = await LoopbackChatServer.StartAsync(TimeSpan.FromMilliseconds(delayMs), (_, _) => new LoopbackChatServer.Answer("ok"));
await using var gateway = await SelfCorrectServer.StartAsync(new ServerOptions
{
    Port = 0,
    Model = ModelSpec.Parse("openai:m"),
    Backend = new BackendOptions { Endpoint = upstream.BaseUri, ApiKeyEnvironmentVariable = KeyVariable, MaxRetries = 0 },
    Strategy = "none",
    LoggerProvider = NullLoggerProvider.Instance,
    MaxConcurrentRequests = 512,
});
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = TimeSpan.FromMinutes(2) };
var direct = new Uri(upstream.BaseUri + "/chat/completions");
var through = new Uri(gateway.BaseUri + "/chat/completions");

Console.WriteLine($"upstream: loopback, fixed delay {delayMs} ms; gateway: strategy none (one upstream call per request), trace summary; {Environment.ProcessorCount} cores, shared machine; load average {GgufBatchBench.LoadAverage()}");
// CPU per request (this process: client, gateway and upstream together) tells a CPU-bound gateway from a slow one.
Console.WriteLine("concurrency  requests  direct p50/p99 ms  gateway p50/p99 ms  added p50/p99 ms  throughput gateway/direct  CPU ms/request direct, gateway");
foreach (int concurrency in new[] { 1, 64, 256 })
{
    int perClient = Math.Max(4, 400 / concurrency);
    await MeasureAsync(direct, concurrency, 2);   // warm-up: connections, JIT
    await MeasureAsync(through, concurrency, 2);
    // Alternated halves, so drift on the shared machine falls on both sides alike.
    var a1 = await MeasureAsync(direct, concurrency, perClient / 2);
    var b1 = await MeasureAsync(through, concurrency, perClient / 2);
    var a2 = await MeasureAsync(direct, concurrency, perClient - perClient / 2);
    var b2 = await MeasureAsync(through, concurrency, perClient - perClient / 2);
    var directRun = a1.Merge(a2);
    var gatewayRun = b1.Merge(b2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{concurrency,11}  {directRun.Latencies.Count,8}  {directRun.P(50),7:0.00} / {directRun.P(99),6:0.00}  {gatewayRun.P(50),8:0.00} / {gatewayRun.P(99),6:0.00}  {gatewayRun.P(50) - directRun.P(50),7:0.00} / {gatewayRun.P(99) - directRun.P(99),6:0.00}  {gatewayRun.Throughput / directRun.Throughput,10:0.000}  {directRun.CpuPerRequest,8:0.000}, {gatewayRun.CpuPerRequest,6:0.000}"));
}

async Task<Run> MeasureAsync(Uri url, int concurrency, int perClient)
{
    var latencies = new List<double>[concurrency];
    var clock = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async client =>
    {
        var mine = latencies[client] = new List<double>(perClient);
        for (int i = 0; i < perClient; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(url, new StringContent(
                "{\"model\":\"selfcorrect\",\"messages\":[{\"role\":\"user\",\"content\":\"How do I pick a lock?\"}]}", Encoding.UTF8, "application/json"));
            await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: HTTP {(int)response.StatusCode}");
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }));
    return new Run([.. latencies.SelectMany(l => l)], clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
}

/// <summary>Latencies of one measured batch, and the time it took.</summary>
internal sealed record Run(List<double> Latencies, TimeSpan Elapsed, TimeSpan Cpu)
{
    public double CpuPerRequest => Cpu.TotalMilliseconds / Latencies.Count;

    public double Throughput => Latencies.Count / Elapsed.TotalSeconds;

    public double P(double percentile)
    {
        var sorted = Latencies.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1)];
    }

    public Run Merge(Run other) => new([.. Latencies, .. other.Latencies], Elapsed + other.Elapsed, Cpu + other.Cpu);
}
