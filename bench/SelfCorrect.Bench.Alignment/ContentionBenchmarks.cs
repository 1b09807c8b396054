using System.Diagnostics;
using System.Globalization;
using SelfCorrect.Alignment.Configuration;

namespace SelfCorrect.Bench.Alignment;

/// <summary>
/// Issue 15, item 8: every lab figure measured on the machine as it is, then again beside one competing process that
/// keeps one core busy (started and stopped here). The goal: each keeps at least 0.4 of its throughput. The machine
/// may be shared, so the 1-minute load average is printed with each figure.
/// </summary>
public static class ContentionBenchmarks
{
    private const double Goal = 0.4;

    /// <param name="quick">Fewer repetitions and no paper-shape step: a check that takes about a minute.</param>
    public static void Run(bool quick)
    {
        var figures = new List<(string Name, Func<double> Seconds)>
        {
            ("online PL loss, vectorised (batch 256, N=20, d=5, fwd+bwd)", () => RankingBenchmarks.OnlineLossSeconds(vectorised: true, quick ? 11 : 21, 3)),
            ("AdamPlackettLuce, batched (256 contexts x 19 prefixes)", () => RankingBenchmarks.AdamSeconds(quick ? 1 : 3, 1)),
            ("training step, quick shape", () => TrainingBenchmarks.StepSeconds(PresetLoader.Load("quick"), quick ? 5 : 11)),
        };
        if (!quick) figures.Add(("training step, paper shape", () => TrainingBenchmarks.StepSeconds(PresetLoader.Load("paper"), 3)));

        Console.WriteLine($"Each figure as is, then beside one busy process (sh -c 'while :; do :; done'); kept = as-is time / busy time (goal >= {Goal}).");
        Console.WriteLine($"  {"figure",-58} {"as is",12} {"load",6} {"1 busy",12} {"load",6} {"kept",6}");
        foreach (var (name, seconds) in figures)
        {
            double idle = seconds();
            double idleLoad = LoadAverage();
            double busy;
            using (BusyProcess())
                busy = seconds();
            double busyLoad = LoadAverage();
            double kept = idle / busy;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-58} {idle * 1e3,9:0.0} ms {idleLoad,6:0.0} {busy * 1e3,9:0.0} ms {busyLoad,6:0.0} {kept,6:0.00}  {(kept >= Goal ? "met" : "NOT met")}"));
        }
        Console.WriteLine();
    }

    /// <summary>A child shell spinning on one core, killed (with its process tree) when disposed.</summary>
    private static IDisposable BusyProcess()
    {
        var start = new ProcessStartInfo("sh") { ArgumentList = { "-c", "while :; do :; done" }, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sh for the busy process");
        // Let it reach the scheduler's steady state before the measurement starts.
        Thread.Sleep(500);
        return new Killer(process);
    }

    private sealed class Killer(Process process) : IDisposable
    {
        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }

    /// <summary>The 1-minute load average (/proc/loadavg); NaN where there is none.</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture, out double load)
            ? load : double.NaN;
}
