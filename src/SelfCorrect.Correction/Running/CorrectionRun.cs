using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Correction;

/// <summary>
/// One request through a correction middleware. The middleware's procedure decides which stages to call and returns
/// the request of the last answer; this class calls every stage (each a span, log events and a trace entry), then
/// the last answer, streamed when the caller streams, and builds the response: the last answer with usage summed over
/// all calls and the trace attached. The caller's messages and options are never changed: each stage gets copies.
/// </summary>
internal sealed class CorrectionRun : IDisposable
{
    private readonly string _strategy;
    private readonly IChatClient _inner;
    private readonly string? _prefill;
    private readonly Action<SelfCorrectionStage>? _stageCompleted;
    private readonly ILogger _logger;
    private readonly bool _logText;
    private readonly Activity? _activity;
    private readonly List<SelfCorrectionStage> _stages = [];
    private ChatResponse? _lastAnswer;

    /// <summary>Starts a run (and its span) of <paramref name="strategy"/> over <paramref name="inner"/>.</summary>
    /// <param name="strategy">The strategy's name, in spans, logs, errors and the trace.</param>
    /// <param name="inner">The client every stage calls.</param>
    /// <param name="messages">The caller's messages (copied).</param>
    /// <param name="options">The caller's options (never changed).</param>
    /// <param name="assistantPrefill">The start of every answer, sent where <paramref name="inner"/> can continue it.</param>
    /// <param name="stageCompleted">Called as each stage completes.</param>
    /// <param name="logger">Where the log events go.</param>
    /// <param name="logText">Whether the log events include each stage's text.</param>
    /// <param name="runTags">Settings tagged on the run's span (rounds, candidates).</param>
    public CorrectionRun(string strategy, IChatClient inner, IEnumerable<ChatMessage> messages, ChatOptions? options, string? assistantPrefill,
        Action<SelfCorrectionStage>? stageCompleted, ILogger logger, bool logText, params (string Tag, object? Value)[] runTags)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _strategy = strategy;
        _inner = inner;
        Messages = [.. messages];
        CallerOptions = options;
        LastUserText = Messages.LastOrDefault(message => message.Role == ChatRole.User)?.Text;
        _prefill = !string.IsNullOrEmpty(assistantPrefill) && inner.GetService<AssistantPrefillSupport>() is not null ? assistantPrefill : null;
        _stageCompleted = stageCompleted;
        _logger = logger;
        _logText = logText;
        _activity = CorrectionDiagnostics.Source.StartActivity($"self_correct {strategy}");
        _activity?.SetTag(CorrectionDiagnostics.StrategyTag, strategy);
        foreach (var (tag, value) in runTags) _activity?.SetTag(tag, value);
        CorrectionLog.RunStarted(_logger, strategy, Messages.Count);
    }

    /// <summary>A copy of the caller's messages.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>The caller's options (not to be changed).</summary>
    public ChatOptions? CallerOptions { get; }

    /// <summary>The text of the caller's last user message, which re-ask turns repeat; null when there is none.</summary>
    public string? LastUserText { get; }

    /// <summary>An answer stage: <paramref name="messages"/> (copied) with the prefill where it applies.</summary>
    public StageRequest Answer(StageKind kind, int round, IEnumerable<ChatMessage> messages, ChatOptions? stageOptions, int? candidate = null)
    {
        List<ChatMessage> sent = [.. messages];
        if (_prefill is not null) sent.Add(new ChatMessage(ChatRole.Assistant, _prefill));
        return new StageRequest(kind, round, candidate, sent, Merge(CallerOptions, stageOptions), _prefill is not null, null, null);
    }

    /// <summary>A critique stage (never prefilled), whose text the given parsers read.</summary>
    public StageRequest Critique(int round, IEnumerable<ChatMessage> messages, ChatOptions? stageOptions, IVerdictParser? verdictParser,
        IScoreParser? scoreParser = null, int? candidate = null) =>
        new(StageKind.Critique, round, candidate, [.. messages], Merge(CallerOptions, stageOptions), false, verdictParser, scoreParser);

    /// <summary>Calls a stage and records it.</summary>
    public async Task<SelfCorrectionStage> CallAsync(StageRequest request, CancellationToken cancellationToken)
    {
        using var activity = StartStage(request);
        var clock = Stopwatch.StartNew();
        ChatResponse response;
        try
        {
            response = await _inner.GetResponseAsync(request.Messages, request.Options, cancellationToken);
        }
        catch (Exception e)
        {
            Failed(request, activity, e, cancellationToken);
            throw;
        }
        return Record(request, response, clock.Elapsed, activity);
    }

    /// <summary>Runs <paramref name="untilLastAnswer"/>, then the last answer; null from it means the run ended early.</summary>
    public async Task<ChatResponse> GetResponseAsync(Func<CancellationToken, Task<StageRequest?>> untilLastAnswer, CancellationToken cancellationToken)
    {
        var last = await untilLastAnswer(cancellationToken);
        if (last is not null) await CallAsync(last, cancellationToken);
        return Complete(exitedEarly: last is null);
    }

    /// <summary>
    /// Runs <paramref name="untilLastAnswer"/> as ordinary calls, then streams the last answer from the inner client;
    /// the final update carries the summed usage and the trace.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(Func<CancellationToken, Task<StageRequest?>> untilLastAnswer,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = await untilLastAnswer(cancellationToken);
        if (request is null)
        {
            foreach (var update in Complete(exitedEarly: true).ToChatResponseUpdates()) yield return update;
            yield break;
        }
        using var activity = StartStage(request);
        var received = new List<ChatResponseUpdate>();
        var clock = Stopwatch.StartNew();
        if (request.PrefillApplied) yield return new ChatResponseUpdate(ChatRole.Assistant, _prefill);
        await using (var updates = _inner.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync()) break;
                }
                catch (Exception e)
                {
                    Failed(request, activity, e, cancellationToken);
                    throw;
                }
                received.Add(updates.Current);
                // Usage is summed over all stages and sent once at the end; forwarding the inner counts would double them.
                if (WithoutUsage(updates.Current) is { } forwarded) yield return forwarded;
                // The caller's code ran in between with its own ambient span (dotnet/runtime#47802).
                if (activity is not null) Activity.Current = activity;
            }
        }
        Record(request, received.ToChatResponse(), clock.Elapsed, activity);
        var final = Complete(exitedEarly: false);
        yield return new ChatResponseUpdate(ChatRole.Assistant, final.Usage is { } usage ? [new UsageContent(usage)] : [])
        {
            ResponseId = final.ResponseId,
            ModelId = final.ModelId,
            AdditionalProperties = new AdditionalPropertiesDictionary { [SelfCorrectionTrace.PropertyKey] = final.GetSelfCorrectionTrace() },
        };
    }

    public void Dispose() => _activity?.Dispose();

    private Activity? StartStage(StageRequest request)
    {
        var activity = CorrectionDiagnostics.Source.StartActivity($"self_correct.stage {request.Kind.SnakeCaseName()}");
        if (activity is null) return null;
        activity.SetTag(CorrectionDiagnostics.StrategyTag, _strategy);
        activity.SetTag(CorrectionDiagnostics.StageTag, request.Kind.SnakeCaseName());
        activity.SetTag(CorrectionDiagnostics.RoundTag, request.Round);
        if (request.Candidate is { } candidate) activity.SetTag(CorrectionDiagnostics.CandidateTag, candidate);
        return activity;
    }

    private SelfCorrectionStage Record(StageRequest request, ChatResponse response, TimeSpan latency, Activity? activity)
    {
        string text = request.PrefillApplied ? _prefill + response.Text : response.Text;
        // Kept to the microsecond, as the JSON trace writes it, so that a trace read back sums to the same totals.
        latency = TimeSpan.FromMicroseconds(Math.Round(latency.TotalMicroseconds));
        var stage = new SelfCorrectionStage(request.Kind, request.Round, request.Messages, text, response.Usage, latency,
            request.VerdictParser?.Parse(text), request.Candidate, request.ScoreParser?.Parse(text));
        _stages.Add(stage);
        if (stage.Kind != StageKind.Critique) _lastAnswer = response;

        string described = Describe(request);
        activity?.SetTag(CorrectionDiagnostics.InputTokensTag, stage.Usage?.InputTokenCount);
        activity?.SetTag(CorrectionDiagnostics.OutputTokensTag, stage.Usage?.OutputTokenCount);
        activity?.SetTag(CorrectionDiagnostics.VerdictTag, stage.Verdict?.SnakeCaseName());
        activity?.SetTag(CorrectionDiagnostics.ScoreTag, stage.Score);
        CorrectionLog.StageCompleted(_logger, _strategy, described, latency.TotalMilliseconds, stage.Usage?.InputTokenCount, stage.Usage?.OutputTokenCount);
        if (stage.Kind == StageKind.Critique && (stage.Verdict is not null || stage.Score is not null))
            CorrectionLog.CritiqueJudged(_logger, _strategy, described, stage.Verdict?.SnakeCaseName(), stage.Score);
        if (_logText) CorrectionLog.StageText(_logger, _strategy, described, text);
        _stageCompleted?.Invoke(stage);
        return stage;
    }

    /// <summary>
    /// A stage's failure: the exception gets the stage in its <see cref="Exception.Data"/> (the innermost run's, when
    /// correction middleware is nested) and marks the spans failed; the caller's own cancellation is only logged.
    /// </summary>
    private void Failed(StageRequest request, Activity? activity, Exception error, CancellationToken cancellationToken)
    {
        string described = Describe(request);
        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            CorrectionLog.StageCancelled(_logger, _strategy, described);
            return;
        }
        if (!error.Data.Contains(CorrectionDiagnostics.StageDataKey))
        {
            error.Data[CorrectionDiagnostics.StrategyDataKey] = _strategy;
            error.Data[CorrectionDiagnostics.StageDataKey] = request.Kind.SnakeCaseName();
            error.Data[CorrectionDiagnostics.RoundDataKey] = request.Round;
            if (request.Candidate is { } candidate) error.Data[CorrectionDiagnostics.CandidateDataKey] = candidate;
        }
        foreach (var span in new[] { activity, _activity })
        {
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            span?.SetTag(CorrectionDiagnostics.ErrorTypeTag, error.GetType().FullName);
        }
        CorrectionLog.StageFailed(_logger, _strategy, described, error);
    }

    private string Describe(StageRequest request) => CorrectionDiagnostics.Describe(_strategy, request.Kind, request.Round, request.Candidate);

    private ChatResponse Complete(bool exitedEarly)
    {
        var trace = new SelfCorrectionTrace(_strategy, [.. _stages], _prefill is not null, exitedEarly);
        var usage = trace.TotalUsage;
        _activity?.SetTag(CorrectionDiagnostics.InputTokensTag, usage?.InputTokenCount);
        _activity?.SetTag(CorrectionDiagnostics.OutputTokensTag, usage?.OutputTokenCount);
        _activity?.SetTag(CorrectionDiagnostics.ExitedEarlyTag, exitedEarly);
        CorrectionLog.RunCompleted(_logger, _strategy, _stages.Count, trace.TotalLatency.TotalMilliseconds, exitedEarly);
        var answer = _lastAnswer!;
        var properties = answer.AdditionalProperties?.Clone() ?? [];
        properties[SelfCorrectionTrace.PropertyKey] = trace;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, trace.AnswerText))
        {
            ResponseId = answer.ResponseId,
            ModelId = answer.ModelId,
            CreatedAt = answer.CreatedAt,
            FinishReason = answer.FinishReason,
            Usage = usage,
            AdditionalProperties = properties,
        };
    }

    private static ChatResponseUpdate? WithoutUsage(ChatResponseUpdate update)
    {
        if (!update.Contents.Any(content => content is UsageContent)) return update;
        var stripped = update.Clone();
        stripped.Contents = [.. update.Contents.Where(content => content is not UsageContent)];
        bool empty = stripped.Contents.Count == 0 && stripped.FinishReason is null && stripped.AdditionalProperties is not { Count: > 0 };
        return empty ? null : stripped;
    }

    /// <summary>A copy of the caller's options with the stage's non-null generation settings laid over it.</summary>
    private static ChatOptions? Merge(ChatOptions? caller, ChatOptions? stage)
    {
        if (stage is null) return caller?.Clone();
        var merged = caller?.Clone() ?? new ChatOptions();
        merged.MaxOutputTokens = stage.MaxOutputTokens ?? merged.MaxOutputTokens;
        merged.Temperature = stage.Temperature ?? merged.Temperature;
        merged.TopP = stage.TopP ?? merged.TopP;
        merged.TopK = stage.TopK ?? merged.TopK;
        merged.Seed = stage.Seed ?? merged.Seed;
        merged.FrequencyPenalty = stage.FrequencyPenalty ?? merged.FrequencyPenalty;
        merged.PresencePenalty = stage.PresencePenalty ?? merged.PresencePenalty;
        merged.StopSequences = stage.StopSequences is null ? merged.StopSequences : [.. stage.StopSequences];
        merged.ModelId = stage.ModelId ?? merged.ModelId;
        return merged;
    }
}

/// <summary>One call a correction run makes: which stage it is, what is sent, and which parsers read the reply.</summary>
internal sealed record StageRequest(StageKind Kind, int Round, int? Candidate, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options,
    bool PrefillApplied, IVerdictParser? VerdictParser, IScoreParser? ScoreParser);
