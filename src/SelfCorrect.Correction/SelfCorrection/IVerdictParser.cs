namespace SelfCorrect.Correction;

/// <summary>Reads a critique's verdict from its text.</summary>
public interface IVerdictParser
{
    /// <summary>The verdict of <paramref name="critique"/>.</summary>
    CritiqueVerdict Parse(string critique);
}
