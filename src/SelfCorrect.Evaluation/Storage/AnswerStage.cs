using System.Globalization;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// One answer of a record as the metrics see it: the initial answer (<c>initial</c>) or the final answer after round
/// N (<c>final_N</c>), with the finish reason of the model call that gave it where the record keeps one
/// (<c>stop</c>: an end-of-sequence or stop string within the token limit; <c>length</c>: cut at the limit).
/// </summary>
public sealed record AnswerStage(string Stage, string Text, string? FinishReason)
{
    /// <summary>The stage name of the first answer, before any check.</summary>
    public const string Initial = "initial";

    /// <summary>The finish reason of an answer that ended on its own, within the token limit.</summary>
    public const string StopReason = "stop";

    /// <summary>The stage name of the answer after round <paramref name="round"/> (1-based): <c>final_N</c>.</summary>
    public static string Final(int round) => $"final_{round}";

    /// <summary>0 for the initial answer, N for <c>final_N</c>.</summary>
    public static int RoundOf(string stage) => stage == Initial ? 0 : int.Parse(stage["final_".Length..], CultureInfo.InvariantCulture);
}
