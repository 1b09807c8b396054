using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Server;

/// <summary>The server's instruments (meter <see cref="MeterName"/>), exported at <c>/metrics</c> in Prometheus text.</summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "SelfCorrect.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _tokens;

    public ServerMetrics()
    {
        _requests = _meter.CreateCounter<long>("selfcorrect.server.requests", description: "Chat-completion requests answered, by model, strategy and HTTP status.");
        _errors = _meter.CreateCounter<long>("selfcorrect.server.errors", description: "Requests that ended in an error, by error type.");
        _inFlight = _meter.CreateUpDownCounter<long>("selfcorrect.server.requests.in_flight", description: "Chat-completion requests being served.");
        _stageDuration = _meter.CreateHistogram<double>("selfcorrect.server.stage.duration", unit: "s", description: "Latency of each upstream call (one per correction stage).");
        _tokens = _meter.CreateCounter<long>("selfcorrect.server.tokens", description: "Tokens reported by upstreams, by model and direction (input, output).");
    }

    public void RequestStarted() => _inFlight.Add(1);

    public void RequestEnded(string model, string strategy, int status, string? errorType)
    {
        _inFlight.Add(-1);
        _requests.Add(1, new("model", model), new("strategy", strategy), new("status", status));
        if (errorType is not null) _errors.Add(1, new KeyValuePair<string, object?>("type", errorType));
    }

    public void StageCompleted(string model, string strategy, TimeSpan latency, UsageDetails? usage)
    {
        _stageDuration.Record(latency.TotalSeconds, new("model", model), new("strategy", strategy));
        if (usage?.InputTokenCount is { } input) _tokens.Add(input, new("model", model), new("direction", "input"));
        if (usage?.OutputTokenCount is { } output) _tokens.Add(output, new("model", model), new("direction", "output"));
    }

    public void Dispose() => _meter.Dispose();
}
