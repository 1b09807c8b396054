using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Checking-as-Context as chat middleware: every request becomes an initial answer, then per round a critique
/// (check prompt) and a re-asked answer, all through the inner client. The response is the last answer, with usage
/// summed over all calls and the <see cref="SelfCorrectionTrace"/> attached (<see cref="SelfCorrectionTraceExtensions.GetSelfCorrectionTrace(ChatResponse)"/>).
/// The caller's message list and options are never changed: each call gets its own copies.
/// </summary>
public sealed class SelfCorrectingChatClient : DelegatingChatClient
{
    private readonly SelfCorrectionOptions _options;

    public SelfCorrectingChatClient(IChatClient innerClient, SelfCorrectionOptions options) : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public SelfCorrectionOptions Options => _options;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var run = new CorrectionRun(this, messages, options);
        if (await run.RunUntilLastAnswerAsync(cancellationToken)) return run.BuildResponse(exitedEarly: true);
        await run.AnswerAsync(run.LastAnswerKind, _options.Rounds, cancellationToken);
        return run.BuildResponse(exitedEarly: false);
    }

    /// <summary>
    /// Runs every stage but the last answer as ordinary calls, then streams the last answer from the inner client;
    /// the final update carries the summed usage and the trace.
    /// </summary>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var run = new CorrectionRun(this, messages, options);
        if (await run.RunUntilLastAnswerAsync(cancellationToken))
        {
            foreach (var update in run.BuildResponse(exitedEarly: true).ToChatResponseUpdates()) yield return update;
            yield break;
        }
        StageKind kind = run.LastAnswerKind;
        int round = _options.Rounds;
        var request = run.PrepareAnswer(kind);
        var received = new List<ChatResponseUpdate>();
        var clock = Stopwatch.StartNew();
        if (request.PrefillApplied) yield return new ChatResponseUpdate(ChatRole.Assistant, _options.AssistantPrefill);
        await using (var updates = InnerClient.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken)
                         .GetAsyncEnumerator(cancellationToken))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync()) break;
                }
                catch (Exception e) when (CorrectionRun.IsFailure(e, cancellationToken))
                {
                    throw run.Failure(e, kind, round);
                }
                received.Add(updates.Current);
                // Usage is summed over all stages and sent once at the end; forwarding the inner counts would double them.
                var forwarded = WithoutUsage(updates.Current);
                if (forwarded is not null) yield return forwarded;
            }
        }
        run.Record(kind, round, request, received.ToChatResponse(), clock.Elapsed);
        var final = run.BuildResponse(exitedEarly: false);
        yield return new ChatResponseUpdate(ChatRole.Assistant, final.Usage is { } usage ? [new UsageContent(usage)] : [])
        {
            ResponseId = final.ResponseId,
            ModelId = final.ModelId,
            AdditionalProperties = new AdditionalPropertiesDictionary { [SelfCorrectionTrace.PropertyKey] = final.GetSelfCorrectionTrace() },
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

    /// <summary>The state of one request: the growing conversation and the stages done so far.</summary>
    private sealed class CorrectionRun
    {
        private readonly SelfCorrectingChatClient _client;
        private readonly SelfCorrectionOptions _settings;
        private readonly List<ChatMessage> _conversation;
        private readonly ChatOptions? _callerOptions;
        private readonly string? _lastUserText;
        private readonly bool _prefill;
        private readonly List<SelfCorrectionStage> _stages = [];
        private ChatResponse? _lastAnswer;

        public CorrectionRun(SelfCorrectingChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options)
        {
            ArgumentNullException.ThrowIfNull(messages);
            _client = client;
            _settings = client._options;
            _conversation = [.. messages];
            _callerOptions = options;
            _lastUserText = _conversation.LastOrDefault(message => message.Role == ChatRole.User)?.Text;
            if (_settings.Rounds > 0 && _lastUserText is null)
                throw new ArgumentException("Checking-as-Context needs a user message to re-ask", nameof(messages));
            _prefill = !string.IsNullOrEmpty(_settings.AssistantPrefill)
                       && client.InnerClient.GetService<AssistantPrefillSupport>() is not null;
        }

        /// <summary>The kind of the answer that ends the run when no early exit happens.</summary>
        public StageKind LastAnswerKind => _settings.Rounds == 0 ? StageKind.Initial : StageKind.Final;

        /// <summary>Runs all stages before the last answer; true when a critique's verdict ended the run early.</summary>
        public async Task<bool> RunUntilLastAnswerAsync(CancellationToken cancellationToken)
        {
            if (_settings.Rounds == 0) return false;
            await AnswerAsync(StageKind.Initial, 0, cancellationToken);
            for (int round = 1; round <= _settings.Rounds; round++)
            {
                var verdict = await CritiqueAsync(round, cancellationToken);
                if (_settings.EarlyExit && verdict == CritiqueVerdict.NoProblem) return true;
                if (round < _settings.Rounds) await AnswerAsync(StageKind.Final, round, cancellationToken);
            }
            return false;
        }

        public async Task AnswerAsync(StageKind kind, int round, CancellationToken cancellationToken)
        {
            var request = PrepareAnswer(kind);
            var clock = Stopwatch.StartNew();
            var response = await CallAsync(request, kind, round, cancellationToken);
            Record(kind, round, request, response, clock.Elapsed);
        }

        /// <summary>Appends the re-ask turn (for re-asked answers) and builds the request, with the prefill where supported.</summary>
        public StageRequest PrepareAnswer(StageKind kind)
        {
            if (kind == StageKind.Final) _conversation.Add(new ChatMessage(ChatRole.User, _settings.ReAsk.Render(_lastUserText!)));
            List<ChatMessage> sent = [.. _conversation];
            if (_prefill) sent.Add(new ChatMessage(ChatRole.Assistant, _settings.AssistantPrefill));
            var options = kind == StageKind.Initial ? _settings.InitialOptions : _settings.FinalOptions;
            return new StageRequest(sent, Merge(_callerOptions, options), _prefill);
        }

        private async Task<CritiqueVerdict?> CritiqueAsync(int round, CancellationToken cancellationToken)
        {
            _conversation.Add(new ChatMessage(ChatRole.User, _settings.CheckPrompt));
            var request = new StageRequest([.. _conversation], Merge(_callerOptions, _settings.CritiqueOptions), PrefillApplied: false);
            var clock = Stopwatch.StartNew();
            var response = await CallAsync(request, StageKind.Critique, round, cancellationToken);
            return Record(StageKind.Critique, round, request, response, clock.Elapsed).Verdict;
        }

        private async Task<ChatResponse> CallAsync(StageRequest request, StageKind kind, int round, CancellationToken cancellationToken)
        {
            try
            {
                return await _client.InnerClient.GetResponseAsync(request.Messages, request.Options, cancellationToken);
            }
            catch (Exception e) when (IsFailure(e, cancellationToken))
            {
                throw Failure(e, kind, round);
            }
        }

        public SelfCorrectionStage Record(StageKind kind, int round, StageRequest request, ChatResponse response, TimeSpan latency)
        {
            string text = request.PrefillApplied ? _settings.AssistantPrefill + response.Text : response.Text;
            CritiqueVerdict? verdict = kind == StageKind.Critique ? _settings.VerdictParser?.Parse(text) : null;
            var stage = new SelfCorrectionStage(kind, round, request.Messages, text, response.Usage, latency, verdict);
            _stages.Add(stage);
            _conversation.Add(new ChatMessage(ChatRole.Assistant, text));
            if (kind != StageKind.Critique) _lastAnswer = response;
            _settings.StageCompleted?.Invoke(stage);
            return stage;
        }

        public ChatResponse BuildResponse(bool exitedEarly)
        {
            var trace = new SelfCorrectionTrace([.. _stages], _prefill, exitedEarly);
            var answer = _lastAnswer!;
            var properties = answer.AdditionalProperties?.Clone() ?? [];
            properties[SelfCorrectionTrace.PropertyKey] = trace;
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, trace.Answer.Text))
            {
                ResponseId = answer.ResponseId,
                ModelId = answer.ModelId,
                CreatedAt = answer.CreatedAt,
                FinishReason = answer.FinishReason,
                Usage = trace.TotalUsage,
                AdditionalProperties = properties,
            };
        }

        /// <summary>Any failure but the caller's own cancellation becomes a <see cref="ChatBackendException"/> naming the stage.</summary>
        public static bool IsFailure(Exception e, CancellationToken cancellationToken) =>
            !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

        public ChatBackendException Failure(Exception e, StageKind kind, int round)
        {
            string stage = kind switch
            {
                StageKind.Initial => "the initial answer",
                StageKind.Critique => $"the critique of round {round}",
                _ => $"the re-asked answer of round {round}",
            };
            return e is ChatBackendException backend
                ? backend.AtStage(stage)
                : new ChatBackendException(DescribeInner(), stage, e.Message, e);
        }

        private string DescribeInner() =>
            _client.InnerClient.GetService<ChatClientMetadata>()?.ProviderName ?? _client.InnerClient.GetType().Name;

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

    private sealed record StageRequest(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, bool PrefillApplied);
}
