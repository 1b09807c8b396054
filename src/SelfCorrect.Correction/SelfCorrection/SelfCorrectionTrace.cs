using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Everything a Checking-as-Context run did, in call order.</summary>
public sealed class SelfCorrectionTrace
{
    internal const string PropertyKey = "selfcorrect.trace";

    public SelfCorrectionTrace(IReadOnlyList<SelfCorrectionStage> stages, bool prefillApplied, bool exitedEarly)
    {
        if (stages.Count == 0 || stages[0].Kind != StageKind.Initial)
            throw new ArgumentException("a trace starts with the initial stage", nameof(stages));
        Stages = stages;
        PrefillApplied = prefillApplied;
        ExitedEarly = exitedEarly;
    }

    public IReadOnlyList<SelfCorrectionStage> Stages { get; }

    /// <summary>Whether the assistant prefill was sent (false when none was set or the inner client cannot continue an assistant message).</summary>
    public bool PrefillApplied { get; }

    /// <summary>Whether a critique's "no problem" verdict ended the run before all rounds were done.</summary>
    public bool ExitedEarly { get; }

    public SelfCorrectionStage Initial => Stages[0];

    public IEnumerable<SelfCorrectionStage> Critiques => Stages.Where(stage => stage.Kind == StageKind.Critique);

    /// <summary>The re-asked answers, one per completed round.</summary>
    public IEnumerable<SelfCorrectionStage> Finals => Stages.Where(stage => stage.Kind == StageKind.Final);

    /// <summary>The answer the run returned: the last re-asked one, or the initial one when there was none.</summary>
    public SelfCorrectionStage Answer => Stages.Last(stage => stage.Kind != StageKind.Critique);

    /// <summary>Usage summed over every stage that reported some (null when none did).</summary>
    public UsageDetails? TotalUsage => SumUsage(Stages.Select(stage => stage.Usage));

    public TimeSpan TotalLatency => Stages.Aggregate(TimeSpan.Zero, (sum, stage) => sum + stage.Latency);

    /// <summary>
    /// The trace as JSON: <c>prefill_applied</c>, <c>exited_early</c>, <c>answer</c>, <c>usage</c> and <c>stages</c>, each
    /// with <c>kind</c>, <c>round</c>, <c>text</c>, <c>usage</c>, <c>latency_ms</c>, <c>verdict</c> and the
    /// <c>messages</c> sent (role and text).
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["prefill_applied"] = PrefillApplied,
        ["exited_early"] = ExitedEarly,
        ["answer"] = Answer.Text,
        ["usage"] = UsageJson(TotalUsage),
        ["latency_ms"] = Math.Round(TotalLatency.TotalMilliseconds, 3),
        ["stages"] = new JsonArray([.. Stages.Select(stage => (JsonNode)new JsonObject
        {
            ["kind"] = stage.Kind.ToString().ToLowerInvariant(),
            ["round"] = stage.Round,
            ["text"] = stage.Text,
            ["usage"] = UsageJson(stage.Usage),
            ["latency_ms"] = Math.Round(stage.Latency.TotalMilliseconds, 3),
            ["verdict"] = stage.Verdict?.ToString(),
            ["messages"] = new JsonArray([.. stage.Messages.Select(message => (JsonNode)new JsonObject
            {
                ["role"] = message.Role.Value,
                ["text"] = message.Text,
            })]),
        })]),
    };

    /// <summary>Token counts as JSON (<c>input</c>, <c>cached_input</c>, <c>output</c>, <c>total</c>); null when unreported.</summary>
    public static JsonObject? UsageJson(UsageDetails? usage) => usage is null ? null : new JsonObject
    {
        ["input"] = usage.InputTokenCount,
        ["cached_input"] = usage.CachedInputTokenCount,
        ["output"] = usage.OutputTokenCount,
        ["total"] = usage.TotalTokenCount,
    };

    internal static UsageDetails? SumUsage(IEnumerable<UsageDetails?> usages)
    {
        UsageDetails? total = null;
        foreach (var usage in usages)
        {
            if (usage is null) continue;
            total ??= new UsageDetails();
            total.Add(usage);
        }
        return total;
    }
}

public static class SelfCorrectionTraceExtensions
{
    /// <summary>The trace of the Checking-as-Context run that produced this response; null when it did not come through the middleware.</summary>
    public static SelfCorrectionTrace? GetSelfCorrectionTrace(this ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(SelfCorrectionTrace.PropertyKey, out object? value) == true ? value as SelfCorrectionTrace : null;

    /// <summary>The trace carried by the last update of a streamed Checking-as-Context run; null on every other update.</summary>
    public static SelfCorrectionTrace? GetSelfCorrectionTrace(this ChatResponseUpdate update) =>
        update.AdditionalProperties?.TryGetValue(SelfCorrectionTrace.PropertyKey, out object? value) == true ? value as SelfCorrectionTrace : null;
}
