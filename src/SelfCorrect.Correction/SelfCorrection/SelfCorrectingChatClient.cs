using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Correction;

/// <summary>
/// Checking-as-Context (arXiv 2405.18634 §5) as chat middleware: every request becomes an initial answer, then per
/// round a critique (the check prompt) and a re-asked answer, all through the inner client. The response is the last
/// answer, with usage summed over all calls and the <see cref="SelfCorrectionTrace"/> attached
/// (<see cref="SelfCorrectionTraceExtensions.GetSelfCorrectionTrace(ChatResponse)"/>). Streaming runs the earlier
/// stages first, then streams the last answer. The caller's message list and options are never changed.
/// </summary>
/// <remarks>
/// Each run is a span with a child span per stage (<see cref="CorrectionDiagnostics"/>), and each stage a log event
/// without prompt or answer text unless <see cref="StagedCorrectionChatClient{TOptions}.EnableSensitiveData"/> is set. A failing inner call propagates its
/// own exception, with the stage and round in <see cref="Exception.Data"/>.
/// A client is safe for concurrent requests: each reads <see cref="StagedCorrectionChatClient{TOptions}.Options"/> once, when it starts.
/// </remarks>
public sealed class SelfCorrectingChatClient : StagedCorrectionChatClient<SelfCorrectionOptions>
{
    /// <summary>The strategy's name in traces, spans and registries.</summary>
    public const string StrategyName = "cac";

    /// <summary>Checking-as-Context over <paramref name="innerClient"/> with the default <see cref="StagedCorrectionChatClient{TOptions}.Options"/>.</summary>
    /// <param name="innerClient">The model, or the next middleware.</param>
    /// <param name="loggerFactory">Where the log events go (none when null).</param>
    public SelfCorrectingChatClient(IChatClient innerClient, ILoggerFactory? loggerFactory = null) : base(innerClient, loggerFactory)
    {
    }

    /// <inheritdoc />
    protected override void Validate(SelfCorrectionOptions options) => options.Validate();

    private protected override CorrectionRun Start(SelfCorrectionOptions settings, IEnumerable<ChatMessage> messages, ChatOptions? options, ILogger logger, bool enableSensitiveData) =>
        new(StrategyName, InnerClient, messages, options, settings.AssistantPrefill, settings.StageCompleted, logger, enableSensitiveData,
            (CorrectionDiagnostics.RoundTag, settings.Rounds));

    /// <summary>The initial answer and every round's critique and re-ask but the last answer; null when a critique ended the run.</summary>
    private protected override async Task<StageRequest?> RunUntilLastAnswerAsync(CorrectionRun run, SelfCorrectionOptions settings, CancellationToken cancellationToken)
    {
        if (settings.Rounds > 0 && run.LastUserText is null)
            throw new ArgumentException("Checking-as-Context needs a user message to re-ask", "messages");
        List<ChatMessage> conversation = [.. run.Messages];
        var answer = run.Answer(StageKind.Initial, 0, conversation, settings.InitialOptions);
        for (int round = 1; round <= settings.Rounds; round++)
        {
            conversation.Add(new ChatMessage(ChatRole.Assistant, (await run.CallAsync(answer, cancellationToken)).Text));
            conversation.Add(new ChatMessage(ChatRole.User, settings.CheckPrompt));
            var critique = await run.CallAsync(run.Critique(round, conversation, settings.CritiqueOptions, settings.VerdictParser), cancellationToken);
            if (settings.EarlyExit && critique.Verdict == CritiqueVerdict.NoProblem) return null;
            conversation.Add(new ChatMessage(ChatRole.Assistant, critique.Text));
            conversation.Add(new ChatMessage(ChatRole.User, settings.ReAsk.Render(run.LastUserText!)));
            answer = run.Answer(StageKind.Final, round, conversation, settings.FinalOptions);
        }
        return answer;
    }
}
