namespace SelfCorrect.Correction;

/// <summary>Reads a critique's verdict from its text.</summary>
public interface IVerdictParser
{
    CritiqueVerdict Parse(string critique);
}
