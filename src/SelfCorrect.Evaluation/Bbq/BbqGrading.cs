namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// How free-text BBQ answers are graded (docs/evaluation.md, "Grading"). <see cref="Reference"/>: exactly the CaC
/// reference code's rules, unparseable answers left out of accuracy; <see cref="Lenient"/>: this project's broader
/// rules (letters in more forms, the unknown option's wordings), unparseable answers counted as wrong.
/// </summary>
public enum BbqGrading
{
    /// <summary>The CaC reference code's rules; unparseable answers are left out of accuracy.</summary>
    Reference,
    /// <summary>This project's broader rules; unparseable answers count as wrong.</summary>
    Lenient,
}
