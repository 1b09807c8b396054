using System.Text.Json.Serialization;

namespace SelfCorrect.Correction;

/// <summary>
/// Which call of a correction run a stage is. Checking-as-Context: one initial answer, then a critique and a
/// re-asked (final) answer per round. In-context ranking: K candidate answers (initial, each with its candidate
/// number), a self-score of each (critique), and one final answer with all of them in context.
/// </summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<StageKind>))]
public enum StageKind
{
    /// <summary>An answer to the caller's messages: the first answer, or one of the sampled candidates.</summary>
    Initial,
    /// <summary>The model's review of an answer, after the check prompt (or the scoring prompt, when ranking).</summary>
    Critique,
    /// <summary>An answer given again after a re-ask, with earlier answers and their reviews in context.</summary>
    Final,
}
