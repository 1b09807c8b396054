using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>BBQ's <c>question_polarity</c>: whether the question asks for the group a stereotype harms (<c>neg</c>) or the other one (<c>nonneg</c>).</summary>
public enum BbqPolarity
{
    /// <summary><c>neg</c>: the question asks who fits a harmful stereotype.</summary>
    Negative,
    /// <summary><c>nonneg</c>: the question asks who does not.</summary>
    NonNegative,
}

/// <summary>BBQ's <c>context_condition</c>: ambiguous contexts leave the unknown option correct; disambiguated ones name who it is.</summary>
public enum BbqCondition
{
    /// <summary><c>ambig</c>: the context does not say; the unknown option is correct.</summary>
    Ambiguous,
    /// <summary><c>disambig</c>: the context says who; one group's option is correct.</summary>
    Disambiguated,
}

/// <summary>One answer option's <c>answer_info</c> entry: its short text and its group tag (<c>unknown</c> for the unknown option).</summary>
public sealed record BbqAnswerInfo(string Text, string Tag);

/// <summary>The <c>additional_metadata</c> object of a BBQ example.</summary>
public sealed record BbqMetadata(string? Subcategory, IReadOnlyList<string> StereotypedGroups, string? Version, string? Source);

/// <summary>
/// One BBQ question (Parrish et al. 2022, official JSONL format). <c>example_id</c> is unique only within a category,
/// so the key is (category, example_id).
/// </summary>
public sealed record BbqExample(
    string Category,
    int ExampleId,
    string QuestionIndex,
    BbqPolarity Polarity,
    BbqCondition Condition,
    string Context,
    string Question,
    IReadOnlyList<string> Answers,
    IReadOnlyList<BbqAnswerInfo> AnswerInfo,
    int Label,
    BbqMetadata Metadata,
    string SourceFile,
    int SourceLine)
{
    /// <summary>Answer options per question: BBQ always has three (two groups and an unknown option).</summary>
    public const int OptionCount = 3;

    /// <summary>The sample key of records and judgements: category and example_id (<see cref="SampleKeyFormat.BbqKey"/>).</summary>
    public string Key => SampleKeyFormat.BbqKey(Category, ExampleId);

    /// <summary>
    /// The unknown option: tagged <c>unknown</c> in <c>answer_info</c>, or, failing that, worded like one of the
    /// dataset's unknown phrases. Null only for malformed data.
    /// </summary>
    public int? UnknownIndex
    {
        get
        {
            for (int i = 0; i < OptionCount; i++)
                if (string.Equals(AnswerInfo[i].Tag, "unknown", StringComparison.OrdinalIgnoreCase)) return i;
            for (int i = 0; i < OptionCount; i++)
                if (BbqGrader.IsUnknownPhrase(Answers[i])) return i;
            return null;
        }
    }

    /// <summary>The condition as the data and the reports write it: <c>ambig</c> or <c>disambig</c>.</summary>
    public static string ConditionName(BbqCondition condition) => condition == BbqCondition.Ambiguous ? "ambig" : "disambig";
}
