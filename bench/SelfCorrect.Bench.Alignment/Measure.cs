using System.Diagnostics;

namespace SelfCorrect.Bench.Alignment;

/// <summary>Wall-clock timing helpers: warm up, then the median of several repetitions.</summary>
public static class Measure
{
    public static double MedianSeconds(Action action, int repetitions, int warmup = 1)
    {
        for (int i = 0; i < warmup; i++) action();
        var seconds = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            seconds[i] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        return seconds[repetitions / 2];
    }

    public static void Report(string name, string fastLabel, double fast, string slowLabel, double slow, double goal, string? note = null)
    {
        Console.WriteLine($"{name}");
        Console.WriteLine($"  {fastLabel,-34} {fast * 1e3,12:0.000} ms");
        Console.WriteLine($"  {slowLabel,-34} {slow * 1e3,12:0.000} ms{(note is null ? "" : "  (" + note + ")")}");
        Console.WriteLine($"  ratio {slow / fast,10:0.0}x   goal >= {goal}x   {(slow / fast >= goal ? "met" : "NOT met")}");
        Console.WriteLine();
    }
}
