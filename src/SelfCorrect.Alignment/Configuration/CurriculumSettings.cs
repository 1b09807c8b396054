namespace SelfCorrect.Alignment.Configuration;

/// <summary>Grows the number of triplets per training context from start_n by increment every `every` steps, up to task.n.</summary>
public sealed class CurriculumSettings
{
    /// <summary>Triplets per context at step 1.</summary>
    public int StartN { get; set; } = 5;
    /// <summary>Steps between two increases.</summary>
    public int Every { get; set; } = 100;
    /// <summary>Triplets added at each increase.</summary>
    public int Increment { get; set; } = 1;

    /// <summary>Triplets per context at <paramref name="step"/> (1-based), never more than <paramref name="maximum"/> (task.n).</summary>
    public int ResponsesAt(int step, int maximum) => Math.Min(maximum, StartN + (step - 1) / Every * Increment);
}
