using SelfCorrect.Common;
using System.Diagnostics;
using SelfCorrect.Evaluation.Runner;
using Spectre.Console;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// Evaluation progress: a live Spectre.Console bar (rate, ETA) on an interactive terminal; otherwise plain lines,
/// one about every 5% of the samples or every 10 s, whichever comes first. Failed samples are always printed.
/// </summary>
public static class EvaluationProgressDisplay
{
    public static async Task<T> RunAsync<T>(TextWriter output, Func<IRunProgress, Task<T>> work)
    {
        if (!ConsoleProgress.DrawsLive(output)) return await work(new PlainLines(output));
        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context => result = await work(new LiveBar(context)));
        return result;
    }

    /// <summary>Samples per second of the current task.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double speed ? $"{speed:0.00}/s" : "-/s");
    }

    private sealed class LiveBar(ProgressContext context) : IRunProgress
    {
        private ProgressTask? task;
        private int failed;

        public void Started(string what, int pending, int alreadyDone)
        {
            task = context.AddTask(what, maxValue: Math.Max(1, pending));
            if (alreadyDone > 0) AnsiConsole.MarkupLineInterpolated($"[grey]{what}: {alreadyDone} samples already done, {pending} to go[/]");
        }

        public void Completed(bool succeeded)
        {
            task!.Increment(1);
            if (failed > 0) task.Description = $"{task.Description.Split(' ')[0]} ({failed} failed)";
        }

        public void Failed(string key, Exception error)
        {
            Interlocked.Increment(ref failed);
            AnsiConsole.MarkupLineInterpolated($"[red]failed {key}: {error.Message}[/]");
        }
    }

    private sealed class PlainLines(TextWriter output) : IRunProgress
    {
        private readonly Lock gate = new();
        private readonly Stopwatch clock = new();
        private string what = "";
        private int total, done, failed, interval;
        private TimeSpan lastLine;

        public void Started(string name, int pending, int alreadyDone)
        {
            lock (gate)
            {
                what = name;
                total = pending;
                done = failed = 0;
                interval = Math.Max(1, pending / 20);
                clock.Restart();
                lastLine = TimeSpan.Zero;
                output.WriteLine(alreadyDone > 0 ? $"{what}: {alreadyDone} samples already done, {pending} to go" : $"{what}: {pending} samples");
            }
        }

        public void Completed(bool succeeded)
        {
            lock (gate)
            {
                done++;
                var elapsed = clock.Elapsed;
                if (done % interval != 0 && done != total && elapsed - lastLine < TimeSpan.FromSeconds(10)) return;
                lastLine = elapsed;
                double rate = done / Math.Max(elapsed.TotalSeconds, 1e-9);
                var eta = TimeSpan.FromSeconds((total - done) / Math.Max(rate, 1e-9));
                output.WriteLine($"{what}: {done}/{total}{(failed > 0 ? $" ({failed} failed)" : "")}  {rate:0.00}/s  elapsed {elapsed:hh\\:mm\\:ss}  eta {eta:hh\\:mm\\:ss}");
            }
        }

        public void Failed(string key, Exception error)
        {
            lock (gate)
            {
                failed++;
                output.WriteLine($"{what}: failed {key}: {Redaction.Redact(error.Message)}");
            }
        }
    }
}
