using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Bbq;

public enum BbqPolarity { Negative, NonNegative }

public enum BbqCondition { Ambiguous, Disambiguated }

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
    public const int OptionCount = 3;

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

    public static string ConditionName(BbqCondition condition) => condition == BbqCondition.Ambiguous ? "ambig" : "disambig";
}
