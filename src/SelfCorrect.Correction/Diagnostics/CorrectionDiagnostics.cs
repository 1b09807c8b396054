using System.Diagnostics;

namespace SelfCorrect.Correction;

/// <summary>
/// How the correction middleware reports itself. Spans: one per run (<c>self_correct cac</c>, <c>self_correct rank</c>)
/// with a child per stage (<c>self_correct.stage critique</c>), from the <see cref="ActivitySource"/> named
/// <see cref="ActivitySourceName"/>; they nest under the caller's current span, and an inner
/// <c>UseOpenTelemetry()</c> client's chat spans nest under the stage spans. Failures: the inner client's exception
/// propagates as it is, with the stage added to <see cref="Exception.Data"/> under the keys below.
/// </summary>
public static class CorrectionDiagnostics
{
    /// <summary>The name of the activity source of the spans (<c>tracing.AddSource(...)</c> in OpenTelemetry).</summary>
    public const string ActivitySourceName = "SelfCorrect.Correction";

    /// <summary>Span tag: the strategy of the run, <c>cac</c> or <c>rank</c>.</summary>
    public const string StrategyTag = "selfcorrect.strategy";

    /// <summary>Span tag: the stage, <c>initial</c>, <c>critique</c> or <c>final</c>.</summary>
    public const string StageTag = "selfcorrect.stage";

    /// <summary>Span tag: the round, 0 for initial answers (on a run span: the rounds configured).</summary>
    public const string RoundTag = "selfcorrect.round";

    /// <summary>Span tag: the candidate, 1 to K, of a ranking stage (on a run span: K).</summary>
    public const string CandidateTag = "selfcorrect.candidate";

    /// <summary>Span tag: a critique's verdict (<c>unknown</c>, <c>no_problem</c>, <c>problem</c>) when a parser read one.</summary>
    public const string VerdictTag = "selfcorrect.verdict";

    /// <summary>Span tag: the self-score of a ranking candidate, when the score parser read one.</summary>
    public const string ScoreTag = "selfcorrect.score";

    /// <summary>Span tag: whether a run stopped before its last round (early exit).</summary>
    public const string ExitedEarlyTag = "selfcorrect.exited_early";

    /// <summary>Span tag: input tokens of the stage, or of the whole run (OpenTelemetry GenAI convention).</summary>
    public const string InputTokensTag = "gen_ai.usage.input_tokens";

    /// <summary>Span tag: output tokens of the stage, or of the whole run (OpenTelemetry GenAI convention).</summary>
    public const string OutputTokensTag = "gen_ai.usage.output_tokens";

    /// <summary>Span tag on a failed span: the exception's type (OpenTelemetry convention).</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary><see cref="Exception.Data"/> key: the strategy whose stage failed (<c>cac</c>, <c>rank</c>).</summary>
    public const string StrategyDataKey = "SelfCorrect.Strategy";

    /// <summary><see cref="Exception.Data"/> key: the failed stage, <c>initial</c>, <c>critique</c> or <c>final</c>.</summary>
    public const string StageDataKey = "SelfCorrect.Stage";

    /// <summary><see cref="Exception.Data"/> key: the round of the failed stage (an <see cref="int"/>).</summary>
    public const string RoundDataKey = "SelfCorrect.Round";

    /// <summary><see cref="Exception.Data"/> key: the candidate (1 to K) of a failed ranking stage (an <see cref="int"/>).</summary>
    public const string CandidateDataKey = "SelfCorrect.Candidate";

    internal static ActivitySource Source { get; } = new(ActivitySourceName, typeof(CorrectionDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// The stage an exception failed in, in words (<c>the critique of round 2</c>, <c>candidate answer 3</c>, ...), when
    /// it came out of a correction middleware; null otherwise.
    /// </summary>
    public static string? DescribeFailedStage(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Data[StageDataKey] is string stage && Enum.TryParse<StageKind>(stage, ignoreCase: true, out var kind)
               && error.Data[RoundDataKey] is int round
            ? Describe(error.Data[StrategyDataKey] as string, kind, round, error.Data[CandidateDataKey] as int?)
            : null;
    }

    /// <summary>A stage in words, for messages and log events.</summary>
    internal static string Describe(string? strategy, StageKind kind, int round, int? candidate) => (kind, candidate) switch
    {
        (StageKind.Initial, { } c) => $"candidate answer {c}",
        (StageKind.Critique, { } c) => $"the score of candidate {c}",
        (StageKind.Initial, null) => "the initial answer",
        (StageKind.Critique, null) => $"the critique of round {round}",
        _ when strategy == InContextRankingChatClient.StrategyName => "the ranked answer",
        _ => $"the re-asked answer of round {round}",
    };

    /// <summary>An enum value's name in tags, exception data, logs and JSON: snake_case (<c>no_problem</c>), as <see cref="SnakeCaseEnumConverter{T}"/> writes it.</summary>
    internal static string SnakeCaseName<T>(this T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
