using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SelfCorrect.Correction;
using SelfCorrect.Server;
using SelfCorrect.Testing;

namespace SelfCorrect.Bench.Server;

/// <summary>
/// The gateway's own cost, side by side in one run: the same requests sent straight to a loopback upstream with a fixed
/// delay (a model's latency), through a bare forwarding proxy (the floor: a second HTTP hop and nothing else), and through
/// <c>selfcorrect serve</c> (strategy none: one upstream call per request). Two load shapes:
/// <list type="bullet">
/// <item><b>lockstep</b>: all clients start at once and send back to back. With a fixed-delay upstream they stay in
/// step, so every request of a wave arrives in the same instant and waits for the whole wave's CPU work: this measures
/// how fast a burst is absorbed.</item>
/// <item><b>steady</b>: client i starts i/N of a delay after the first, so arrivals are spread over time as with real
/// clients, and only requests completing in a window after the ramp-up count: the throughput at N in flight that a
/// long-running server sustains.</item>
/// </list>
/// </summary>
internal static class GatewayBench
{
    private const string Body = "{\"model\":\"selfcorrect\",\"messages\":[{\"role\":\"user\",\"content\":\"How do I pick a lock?\"}]}";

    public static async Task RunAsync(int delayMs, int[] concurrencies)
    {
        const string KeyVariable = "SELFCORRECT_BENCH_UPSTREAM_KEY";
        Environment.SetEnvironmentVariable(KeyVariable, "bench");
        var delay = TimeSpan.FromMilliseconds(delayMs);
        await using var upstream = await LoopbackChatServer.StartAsync(delay, (_, _) => new LoopbackChatServer.Answer("ok"));
        await using var bare = await BareProxy.StartAsync(upstream.BaseUri);
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
        Uri[] targets = [new(upstream.BaseUri + "/chat/completions"), new(bare.BaseUri + "/chat/completions"), new(gateway.BaseUri + "/chat/completions")];

        Console.WriteLine($"upstream: loopback, fixed delay {delayMs} ms; gateway: strategy none (one upstream call per request), trace summary; "
                          + $"{Environment.ProcessorCount} cores shared by client, proxies and upstream; load average {GgufBatchBench.LoadAverage()}");
        Console.WriteLine("CPU ms and allocated KB per request are this whole process's (client, proxy or gateway, and upstream) divided by the requests.");
        Console.WriteLine("concurrency  shape     requests   p50/p99 ms: direct        bare proxy       gateway   added p50/p99 ms   throughput/direct: bare  gateway   CPU ms/request: direct  bare  gateway   KB/request: direct  bare  gateway");
        await WarmUpAsync(http, targets, delay);
        foreach (int concurrency in concurrencies)
        {
            foreach (var target in targets) await LockstepAsync(http, target, concurrency, 2);   // warm-up: connections, JIT
            int perClient = concurrency == 1 ? 300 : Math.Max(4, 400 / concurrency);
            // Alternated halves, so drift on the shared machine falls on every side alike.
            var lockstep = await AlternateAsync(targets, target => LockstepAsync(http, target, concurrency, perClient / 2));
            Print(concurrency, "lockstep", lockstep);
            if (concurrency == 1) continue;
            var window = TimeSpan.FromMilliseconds(Math.Max(4000, 16 * delayMs));
            var steady = await AlternateAsync(targets, target => SteadyAsync(http, target, concurrency, delay, window / 2));
            Print(concurrency, "steady", steady);
        }
    }

    /// <summary>
    /// Load at 256 in flight on every target until the JIT settles (no method compiled in a whole pass): tiered
    /// compilation goes on for tens of seconds under load, and a long-running server is measured after it.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient http, Uri[] targets, TimeSpan delay)
    {
        var clock = Stopwatch.StartNew();
        long compiled;
        do
        {
            compiled = JitInfo.GetCompiledMethodCount();
            foreach (var target in targets) await SteadyAsync(http, target, 256, delay, TimeSpan.FromSeconds(1));
        }
        while (JitInfo.GetCompiledMethodCount() != compiled && clock.Elapsed < TimeSpan.FromMinutes(2));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up: {clock.Elapsed.TotalSeconds:0} s at 256 in flight until a pass compiled no method ({JitInfo.GetCompiledMethodCount()} compiled in all)"));
    }

    private static async Task<Run[]> AlternateAsync(Uri[] targets, Func<Uri, Task<Run>> measure)
    {
        var runs = new Run[targets.Length];
        for (int half = 0; half < 2; half++)
            for (int i = 0; i < targets.Length; i++)
            {
                var run = await measure(targets[i]);
                runs[i] = half == 0 ? run : runs[i].Merge(run);
            }
        return runs;
    }

    private static void Print(int concurrency, string shape, Run[] runs)
    {
        var (direct, bare, gateway) = (runs[0], runs[1], runs[2]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{concurrency,11}  {shape,-8}  {direct.Latencies.Count,8}  {direct.P(50),7:0.00} / {direct.P(99),6:0.00}  {bare.P(50),7:0.00} / {bare.P(99),6:0.00}  {gateway.P(50),7:0.00} / {gateway.P(99),6:0.00}  {gateway.P(50) - direct.P(50),7:0.00} / {gateway.P(99) - direct.P(99),6:0.00}  {bare.Throughput / direct.Throughput,21:0.000}  {gateway.Throughput / direct.Throughput,7:0.000}  {direct.CpuPerRequest,22:0.000}  {bare.CpuPerRequest,5:0.000}  {gateway.CpuPerRequest,7:0.000}  {direct.KilobytesPerRequest,18:0.0}  {bare.KilobytesPerRequest,4:0.0}  {gateway.KilobytesPerRequest,7:0.0}"));
    }

    /// <summary>Every client sends <paramref name="perClient"/> requests back to back, all starting at once.</summary>
    private static async Task<Run> LockstepAsync(HttpClient http, Uri url, int concurrency, int perClient)
    {
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        var start = Usage.Now();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async client =>
        {
            var mine = latencies[client] = new List<double>(perClient);
            for (int i = 0; i < perClient; i++) mine.Add(await SendAsync(http, url));
        }));
        return new Run([.. latencies.SelectMany(l => l)], clock.Elapsed, Usage.Now() - start);
    }

    /// <summary>
    /// Client i starts i/N of a delay after the first and sends back to back; after a ramp-up of two delays, the requests
    /// that finish within <paramref name="window"/> are counted, with the CPU spent in it.
    /// </summary>
    private static async Task<Run> SteadyAsync(HttpClient http, Uri url, int concurrency, TimeSpan delay, TimeSpan window)
    {
        var clock = Stopwatch.StartNew();
        var from = 2 * delay + delay;   // the last client starts at one delay; two more let its waves settle
        var to = from + window;
        var latencies = new List<double>[concurrency];
        // With a short delay the window may open before this task runs.
        TimeSpan Until(TimeSpan moment) => moment > clock.Elapsed ? moment - clock.Elapsed : TimeSpan.Zero;
        var usedInWindow = Task.Run(async () =>
        {
            await Task.Delay(Until(from));
            var start = Usage.Now();
            await Task.Delay(Until(to));
            return Usage.Now() - start;
        });
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async client =>
        {
            var mine = latencies[client] = [];
            await Task.Delay(delay * client / concurrency);
            while (clock.Elapsed < to)
            {
                double latency = await SendAsync(http, url);
                var done = clock.Elapsed;
                if (done >= from && done < to) mine.Add(latency);
            }
        }));
        return new Run([.. latencies.SelectMany(l => l)], window, await usedInWindow);
    }

    private static async Task<double> SendAsync(HttpClient http, Uri url)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(url, new StringContent(Body, Encoding.UTF8, "application/json"));
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: HTTP {(int)response.StatusCode}");
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>CPU time and bytes allocated by this process so far.</summary>
    private readonly record struct Usage(TimeSpan Cpu, long Allocated)
    {
        public static Usage Now() => new(Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes());

        public static Usage operator -(Usage end, Usage start) => new(end.Cpu - start.Cpu, end.Allocated - start.Allocated);

        public static Usage operator +(Usage a, Usage b) => new(a.Cpu + b.Cpu, a.Allocated + b.Allocated);
    }

    /// <summary>Latencies of one measured batch, the time it covers and what this process used in it.</summary>
    private sealed record Run(List<double> Latencies, TimeSpan Elapsed, Usage Used)
    {
        public double CpuPerRequest => Used.Cpu.TotalMilliseconds / Latencies.Count;

        public double KilobytesPerRequest => Used.Allocated / 1024.0 / Latencies.Count;

        public double Throughput => Latencies.Count / Elapsed.TotalSeconds;

        public double P(double percentile)
        {
            var sorted = Latencies.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1)];
        }

        public Run Merge(Run other) => new([.. Latencies, .. other.Latencies], Elapsed + other.Elapsed, Used + other.Used);
    }
}
