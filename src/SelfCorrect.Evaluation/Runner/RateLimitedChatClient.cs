using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>
/// Holds every model request until the rate limit allows it: a token bucket of one token refilled every
/// 60 s / rpm, so requests start evenly spaced and never more than rpm in any minute (plus the one in the bucket).
/// Placed under the correction strategy, so each call of a multi-stage sample counts as one request.
/// </summary>
internal sealed class RateLimitedChatClient : DelegatingChatClient
{
    private readonly TokenBucketRateLimiter limiter;

    public RateLimitedChatClient(IChatClient inner, int requestsPerMinute) : base(inner)
    {
        if (requestsPerMinute < 1) throw new ArgumentOutOfRangeException(nameof(requestsPerMinute));
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(TimeSpan.TicksPerMinute / requestsPerMinute),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var lease = await AcquireAsync(cancellationToken);
        return await base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var lease = await AcquireAsync(cancellationToken);
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken)) yield return update;
    }

    private async Task<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired) throw new InvalidOperationException("the request rate limiter refused a request");
        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) limiter.Dispose();
        base.Dispose(disposing);
    }
}
