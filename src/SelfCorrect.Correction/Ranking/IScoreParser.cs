namespace SelfCorrect.Correction;

/// <summary>Reads a self-score from the model's reply to a scoring prompt (in-context ranking).</summary>
public interface IScoreParser
{
    /// <summary>The score the reply gives (higher is better); null when it gives none.</summary>
    double? Parse(string reply);
}
