using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SelfCorrect.Correction;

/// <summary>
/// In-context ranking as chat middleware, the Plackett-Luce view of arXiv 2405.18634 (several (query, response,
/// reward) triplets in context instead of Checking-as-Context's one): it samples K answers, has the model score each
/// one with a scoring prompt, then asks for the final answer with every answer and its score in context, ordered by
/// score. This goes beyond the paper, whose experiments use one answer and one critique per round (docs/correction.md).
/// </summary>
/// <remarks>
/// Messages: candidate i is the caller's messages (plus the prefill), sampled at <see cref="InContextRankingOptions.Temperature"/>
/// with its own seed; its score is those messages, the candidate, and the scoring prompt. The final answer's context is
/// the caller's messages, then each candidate in rank order as the turns (answer, scoring prompt, score), the later
/// ones each after a re-ask turn, and a last re-ask turn. The trace records candidates as initial stages and scores as
/// critiques, each with its <see cref="SelfCorrectionStage.Candidate"/> and <see cref="SelfCorrectionStage.Score"/>.
/// Spans, log events and failures are those of <see cref="SelfCorrectingChatClient"/>.
/// </remarks>
public sealed class InContextRankingChatClient : DelegatingChatClient
{
    /// <summary>The strategy's name in traces, spans and registries.</summary>
    public const string StrategyName = "rank";

    private readonly ILogger _logger;
    private InContextRankingOptions _options = new();

    /// <summary>In-context ranking over <paramref name="innerClient"/> with the default <see cref="Options"/>.</summary>
    /// <param name="innerClient">The model, or the next middleware.</param>
    /// <param name="loggerFactory">Where the log events go (none when null).</param>
    public InContextRankingChatClient(IChatClient innerClient, ILoggerFactory? loggerFactory = null) : base(innerClient)
    {
        _logger = (ILogger?)loggerFactory?.CreateLogger<InContextRankingChatClient>() ?? NullLogger.Instance;
    }

    /// <summary>Candidates, prompts and per-stage options; setting it validates it (<see cref="InContextRankingOptions.Validate"/>).</summary>
    public InContextRankingOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
        }
    }

    /// <summary>Whether log events include the text of every stage (at Trace level). Off by default.</summary>
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

    private CorrectionRun Start(InContextRankingOptions settings, IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        new(StrategyName, InnerClient, messages, options, settings.AssistantPrefill, settings.StageCompleted, _logger, EnableSensitiveData,
            (CorrectionDiagnostics.CandidateTag, settings.Candidates));

    /// <summary>Every candidate with its score, then the final request with all of them in context.</summary>
    private static async Task<StageRequest?> RunUntilLastAnswerAsync(CorrectionRun run, InContextRankingOptions settings, CancellationToken cancellationToken)
    {
        string question = run.LastUserText ?? throw new ArgumentException("in-context ranking needs a user message to re-ask", "messages");
        long firstSeed = settings.CandidateOptions?.Seed ?? run.CallerOptions?.Seed ?? 0;
        var scored = new List<(SelfCorrectionStage Answer, SelfCorrectionStage Score)>();
        for (int candidate = 1; candidate <= settings.Candidates; candidate++)
        {
            var sampling = settings.CandidateOptions?.Clone() ?? new ChatOptions();
            sampling.Temperature = settings.Temperature;
            sampling.Seed = firstSeed + candidate - 1;
            var answer = await run.CallAsync(run.Answer(StageKind.Initial, 0, run.Messages, sampling, candidate), cancellationToken);
            var score = await run.CallAsync(run.Critique(1, [.. run.Messages, new(ChatRole.Assistant, answer.Text), new(ChatRole.User, settings.ScoringPrompt)],
                settings.ScoreOptions, verdictParser: null, settings.ScoreParser, candidate), cancellationToken);
            scored.Add((answer, score));
        }

        // Unscored candidates rank lowest; the sorts are stable, so ties keep the sampling order.
        Func<(SelfCorrectionStage Answer, SelfCorrectionStage Score), double> byScore = pair => pair.Score.Score ?? double.NegativeInfinity;
        var ranked = settings.Order == RankOrder.BestFirst ? scored.OrderByDescending(byScore).ToList() : scored.OrderBy(byScore).ToList();
        List<ChatMessage> context = [.. run.Messages];
        for (int i = 0; i < ranked.Count; i++)
        {
            if (i > 0) context.Add(new ChatMessage(ChatRole.User, settings.ReAsk.Render(question)));
            context.Add(new ChatMessage(ChatRole.Assistant, ranked[i].Answer.Text));
            context.Add(new ChatMessage(ChatRole.User, settings.ScoringPrompt));
            context.Add(new ChatMessage(ChatRole.Assistant, ranked[i].Score.Text));
        }
        context.Add(new ChatMessage(ChatRole.User, settings.ReAsk.Render(question)));
        return run.Answer(StageKind.Final, 1, context, settings.FinalOptions);
    }
}
