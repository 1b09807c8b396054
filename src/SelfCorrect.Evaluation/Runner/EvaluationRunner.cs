using System.Diagnostics;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// Evaluates pending samples with at most <see cref="RunnerOptions.Concurrency"/> in flight. Each sample's work
/// (model calls, then writing its record) runs to completion once started: cancelling <c>stop</c> (Ctrl-C) only
/// stops new samples from starting, so every sample in flight is still written. A failed sample is reported and
/// left for the next attempt; after <see cref="RunnerOptions.MaxFailures"/> failures no new sample starts.
/// </summary>
public static class EvaluationRunner
{
    public static async Task<RunOutcome> RunAsync<T>(string what, IReadOnlyList<T> pending, int alreadyDone, Func<T, string> keyOf,
        Func<T, CancellationToken, Task> evaluate, RunnerOptions options, IRunProgress progress, CancellationToken stop)
    {
        options.Validate();
        progress.Started(what, pending.Count, alreadyDone);
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(options.Concurrency);
        int completed = 0, failed = 0;
        bool interrupted = false;
        foreach (var sample in pending)
        {
            if (Volatile.Read(ref failed) >= options.MaxFailures) break;
            try
            {
                await slots.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
                break;
            }
            if (Volatile.Read(ref failed) >= options.MaxFailures)
            {
                slots.Release();
                break;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await evaluate(sample, CancellationToken.None);
                    Interlocked.Increment(ref completed);
                    progress.Completed(true);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failed);
                    progress.Failed(keyOf(sample), e);
                    progress.Completed(false);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }
        // Every sample holds a slot until it is written: taking all slots back waits for the ones in flight.
        for (int i = 0; i < options.Concurrency; i++) await slots.WaitAsync(CancellationToken.None);
        interrupted |= stop.IsCancellationRequested && completed + failed < pending.Count;
        return new RunOutcome(completed, failed, interrupted, failed >= options.MaxFailures && completed + failed < pending.Count, clock.Elapsed);
    }
}
