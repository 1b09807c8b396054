using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Storage;

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

    /// <summary>Records written between two syncs of a run's files to the device (fsync), at most.</summary>
    public int SyncEveryRecords { get; init; } = 50;

    /// <summary>Seconds between two syncs of a run's files to the device, at most (checked when a record is written).</summary>
    public double SyncSeconds { get; init; } = 5;

    /// <summary>The sync policy of the run's record files.</summary>
    internal RecordSync RecordSync => new(SyncEveryRecords, TimeSpan.FromSeconds(SyncSeconds));

    /// <summary>Checks every value; a bad one is an <see cref="InvalidSettingException"/> naming the property.</summary>
    public void Validate()
    {
        if (Concurrency < 1) throw new InvalidSettingException(nameof(Concurrency), $"must be ≥ 1 (got {Concurrency})");
        if (RequestsPerMinute is < 1) throw new InvalidSettingException(nameof(RequestsPerMinute), $"must be ≥ 1 (got {RequestsPerMinute})");
        if (MaxFailures < 1) throw new InvalidSettingException(nameof(MaxFailures), $"must be ≥ 1 (got {MaxFailures})");
        if (SyncEveryRecords < 1) throw new InvalidSettingException(nameof(SyncEveryRecords), $"must be ≥ 1 (got {SyncEveryRecords})");
        if (!(SyncSeconds >= 0) || double.IsInfinity(SyncSeconds)) throw new InvalidSettingException(nameof(SyncSeconds), $"must be a number ≥ 0 (got {SyncSeconds})");
    }

    /// <summary>The runtime section of settings.json (may change between attempts of one run).</summary>
    public JsonObject Describe() => new()
    {
        ["concurrency"] = Concurrency,
        ["requests_per_minute"] = RequestsPerMinute,
        ["max_failures"] = MaxFailures,
        ["sync_every_records"] = SyncEveryRecords,
        ["sync_seconds"] = SyncSeconds,
    };
}
