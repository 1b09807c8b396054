using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Server;

/// <summary>
/// Sits between a request's strategy and the shared upstream: records each call's finish reason, latency and usage in
/// call order (the stages' finish reasons for the trace) and reports them to the metrics. Never disposes the
/// upstream, which outlives the request.
/// </summary>
public sealed class UpstreamCallRecorder(IChatClient upstream, Action<TimeSpan, UsageDetails?> completed) : DelegatingChatClient(upstream)
{
    private readonly List<ChatFinishReason?> _finishReasons = [];

    /// <summary>Each finished call's finish reason, in call order.</summary>
    public IReadOnlyList<ChatFinishReason?> FinishReasons => _finishReasons;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        Record(response.FinishReason, clock.Elapsed, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            finish = update.FinishReason ?? finish;
            foreach (var content in update.Contents)
                if (content is UsageContent counted) (usage ??= new UsageDetails()).Add(counted.Details);
            yield return update;
        }
        Record(finish, clock.Elapsed, usage);
    }

    private void Record(ChatFinishReason? finish, TimeSpan latency, UsageDetails? usage)
    {
        lock (_finishReasons) _finishReasons.Add(finish);
        completed(latency, usage);
    }

    /// <summary>The upstream is shared by every request: a request's pipeline must not dispose it.</summary>
    protected override void Dispose(bool disposing) { }
}
