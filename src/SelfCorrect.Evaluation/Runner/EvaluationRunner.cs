using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// Evaluates pending samples with at most <see cref="RunnerOptions.Concurrency"/> in flight. Each sample's work
/// (model calls, then writing its record) runs to completion once started: cancelling <c>stop</c> (Ctrl-C) only
/// stops new samples from starting, so every sample in flight is still written. A failed sample is reported and
/// left for the next attempt; after <see cref="RunnerOptions.MaxFailures"/> failures no new sample starts. A failure
/// of the environment (an <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>, such as a full disk
/// while writing a record or the failure log) is no sample's fault: no new sample starts, the samples in flight
/// finish, and it is rethrown, so what was written stays and the next attempt resumes.
/// </summary>
internal static class EvaluationRunner
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
        Exception? environmentFailure = null;
        bool MustStop() => Volatile.Read(ref failed) >= options.MaxFailures || Volatile.Read(ref environmentFailure) is not null;
        foreach (var sample in pending)
        {
            if (MustStop()) break;
            try
            {
                await slots.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
                break;
            }
            if (MustStop())
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
                catch (Exception e) when (IsEnvironmentFailure(e))
                {
                    Interlocked.CompareExchange(ref environmentFailure, e, null);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failed);
                    try
                    {
                        progress.Failed(keyOf(sample), e);
                        progress.Completed(false);
                    }
                    catch (Exception logging) when (IsEnvironmentFailure(logging))
                    {
                        Interlocked.CompareExchange(ref environmentFailure, logging, null);
                    }
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }
        // Every sample holds a slot until it is written: taking all slots back waits for the ones in flight.
        for (int i = 0; i < options.Concurrency; i++) await slots.WaitAsync(CancellationToken.None);
        if (environmentFailure is not null) ExceptionDispatchInfo.Throw(environmentFailure);
        interrupted |= stop.IsCancellationRequested && completed + failed < pending.Count;
        return new RunOutcome(completed, failed, interrupted, failed >= options.MaxFailures && completed + failed < pending.Count, clock.Elapsed);
    }

    private static bool IsEnvironmentFailure(Exception e) => e is IOException or UnauthorizedAccessException;
}
