using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
/// without prompt or answer text unless <see cref="EnableSensitiveData"/> is set. A failing inner call propagates its
/// own exception, with the stage and round in <see cref="Exception.Data"/>.
/// A client is safe for concurrent requests: each reads <see cref="Options"/> once, when it starts.
/// </remarks>
public sealed class SelfCorrectingChatClient : DelegatingChatClient
{
    /// <summary>The strategy's name in traces, spans and registries.</summary>
    public const string StrategyName = "cac";

    private readonly ILogger _logger;
    private SelfCorrectionOptions _options = new();

    /// <summary>Checking-as-Context over <paramref name="innerClient"/> with the default <see cref="Options"/>.</summary>
    /// <param name="innerClient">The model, or the next middleware.</param>
    /// <param name="loggerFactory">Where the log events go (none when null).</param>
    public SelfCorrectingChatClient(IChatClient innerClient, ILoggerFactory? loggerFactory = null) : base(innerClient)
    {
        _logger = (ILogger?)loggerFactory?.CreateLogger<SelfCorrectingChatClient>() ?? NullLogger.Instance;
    }

    /// <summary>
    /// Rounds, prompts and per-stage options. Setting it validates it (<see cref="SelfCorrectionOptions.Validate"/>);
    /// change a setting with <c>client.Options = client.Options with { Rounds = 2 }</c>.
    /// </summary>
    public SelfCorrectionOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
        }
    }

    /// <summary>Whether log events include the text of every stage (at Trace level). Off by default: prompts and answers may be sensitive.</summary>
    public bool EnableSensitiveData { get; set; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var settings = _options;
        using var run = Start(settings, messages, options);
        return await run.GetResponseAsync(cancel => RunUntilLastAnswerAsync(run, settings, cancel), cancellationToken);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var settings = _options;
        using var run = Start(settings, messages, options);
        await foreach (var update in run.GetStreamingResponseAsync(cancel => RunUntilLastAnswerAsync(run, settings, cancel), cancellationToken))
            yield return update;
    }

    private CorrectionRun Start(SelfCorrectionOptions settings, IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        new(StrategyName, InnerClient, messages, options, settings.AssistantPrefill, settings.StageCompleted, _logger, EnableSensitiveData,
            (CorrectionDiagnostics.RoundTag, settings.Rounds));

    /// <summary>The initial answer and every round's critique and re-ask but the last answer; null when a critique ended the run.</summary>
    private static async Task<StageRequest?> RunUntilLastAnswerAsync(CorrectionRun run, SelfCorrectionOptions settings, CancellationToken cancellationToken)
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
