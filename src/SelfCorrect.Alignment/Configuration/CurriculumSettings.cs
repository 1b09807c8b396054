namespace SelfCorrect.Alignment.Configuration;

/// <summary>Grows the number of triplets per training context from start_n by increment every `every` steps, up to task.n.</summary>
public sealed class CurriculumSettings
{
    public int StartN { get; set; } = 5;
    public int Every { get; set; } = 100;
    public int Increment { get; set; } = 1;

    public int ResponsesAt(int step, int maximum) => Math.Min(maximum, StartN + (step - 1) / Every * Increment);
}
