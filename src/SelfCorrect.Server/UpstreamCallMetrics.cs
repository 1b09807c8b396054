using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Server;

/// <summary>
/// Sits between a request's strategy and the shared upstream and reports each finished call's latency and usage to the
/// metrics (one call per correction stage, whatever the strategy). Never disposes the upstream, which outlives the request.
/// </summary>
public sealed class UpstreamCallMetrics(IChatClient upstream, Action<TimeSpan, UsageDetails?> completed) : DelegatingChatClient(upstream)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        completed(clock.Elapsed, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            foreach (var content in update.Contents)
                if (content is UsageContent counted) (usage ??= new UsageDetails()).Add(counted.Details);
            yield return update;
        }
        completed(clock.Elapsed, usage);
    }

    /// <summary>The upstream is shared by every request: a request's pipeline must not dispose it.</summary>
    protected override void Dispose(bool disposing) { }
}
