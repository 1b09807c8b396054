using System.Text.Json.Nodes;
using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>How hard a run drives the model: samples in flight, request rate, and when to give up.</summary>
public sealed record RunnerOptions
{
    /// <summary>Samples evaluated at the same time (each may make several model calls, one after another).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Model requests started per minute at most (null: no limit), spread evenly.</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Failed samples (after the backend's own retries) after which no new sample is started.</summary>
    public int MaxFailures { get; init; } = 10;

    public void Validate()
    {
        if (Concurrency < 1) throw new InvalidSettingException(nameof(Concurrency), $"must be ≥ 1 (got {Concurrency})");
        if (RequestsPerMinute is < 1) throw new InvalidSettingException(nameof(RequestsPerMinute), $"must be ≥ 1 (got {RequestsPerMinute})");
        if (MaxFailures < 1) throw new InvalidSettingException(nameof(MaxFailures), $"must be ≥ 1 (got {MaxFailures})");
    }

    /// <summary>The runtime section of settings.json (may change between attempts of one run).</summary>
    public JsonObject Describe() => new()
    {
        ["concurrency"] = Concurrency,
        ["requests_per_minute"] = RequestsPerMinute,
        ["max_failures"] = MaxFailures,
    };
}
