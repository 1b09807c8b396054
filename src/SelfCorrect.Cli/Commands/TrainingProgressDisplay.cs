using SelfCorrect.Alignment.Training;
using Spectre.Console;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// Training progress: a live Spectre.Console bar (loss, ETA) when writing to an interactive terminal, plain lines
/// (about twenty per run) when output is redirected or captured, since Spectre draws nothing live there.
/// </summary>
public static class TrainingProgressDisplay
{
    public static T Run<T>(TextWriter output, Func<ITrainingProgress, T> work)
    {
        if (!ConsoleProgress.DrawsLive(output)) return work(new PlainLines(output));
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new LiveBar(context.AddTask("training", maxValue: 1))));
        return result;
    }

    private sealed class LiveBar(ProgressTask task) : ITrainingProgress
    {
        public void Started(int firstStep, int totalSteps)
        {
            task.MaxValue = totalSteps;
            task.Value = firstStep - 1;
        }

        public void Step(int step, int totalSteps, double loss, TimeSpan elapsed)
        {
            task.Value = step;
            task.Description = $"step {step}/{totalSteps}  loss {loss:0.0000}";
        }
    }

    private sealed class PlainLines(TextWriter output) : ITrainingProgress
    {
        private int first, interval;

        public void Started(int firstStep, int totalSteps)
        {
            first = firstStep;
            interval = Math.Max(1, totalSteps / 20);
            output.WriteLine($"training steps {firstStep}..{totalSteps}");
        }

        public void Step(int step, int totalSteps, double loss, TimeSpan elapsed)
        {
            if (step % interval != 0 && step != totalSteps) return;
            int done = step - first + 1;
            var remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / done * (totalSteps - step));
            output.WriteLine($"step {step}/{totalSteps}  loss {loss:0.0000}  elapsed {elapsed:hh\\:mm\\:ss}  eta {remaining:hh\\:mm\\:ss}");
        }
    }
}
