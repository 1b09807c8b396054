using Microsoft.Extensions.Logging;

namespace SelfCorrect.Correction;

/// <summary>
/// The middleware's log events. None carries prompt or answer text except <see cref="StageText"/>, which is written
/// only when the client's <c>EnableSensitiveData</c> is set.
/// </summary>
internal static partial class CorrectionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Strategy}: run started over {MessageCount} messages")]
    public static partial void RunStarted(ILogger logger, string strategy, int messageCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug,
        Message = "{Strategy}: {Stage} completed in {LatencyMs} ms, {InputTokens} input and {OutputTokens} output tokens")]
    public static partial void StageCompleted(ILogger logger, string strategy, string stage, double latencyMs, long? inputTokens, long? outputTokens);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Strategy}: {Stage} judged: verdict {Verdict}, score {Score}")]
    public static partial void CritiqueJudged(ILogger logger, string strategy, string stage, string? verdict, double? score);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "{Strategy}: {Stage} text: {Text}")]
    public static partial void StageText(ILogger logger, string strategy, string stage, string text);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug,
        Message = "{Strategy}: run completed, {CallCount} calls in {LatencyMs} ms, exited early: {ExitedEarly}")]
    public static partial void RunCompleted(ILogger logger, string strategy, int callCount, double latencyMs, bool exitedEarly);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "{Strategy}: {Stage} failed")]
    public static partial void StageFailed(ILogger logger, string strategy, string stage, Exception error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "{Strategy}: cancelled during {Stage}")]
    public static partial void StageCancelled(ILogger logger, string strategy, string stage);
}
