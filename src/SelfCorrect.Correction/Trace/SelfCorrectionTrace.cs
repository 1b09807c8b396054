using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Everything a correction run did, in call order. It serialises with System.Text.Json to the schema of
/// docs/correction.md (snake_case: <c>strategy</c>, <c>prefill_applied</c>, <c>exited_early</c>, <c>answer</c>,
/// <c>usage</c>, <c>latency_ms</c>, <c>stages</c>) and reads back from it, so it survives a trip over HTTP.
/// </summary>
public sealed class SelfCorrectionTrace
{
    internal const string PropertyKey = "selfcorrect.trace";

    /// <summary>A trace of the given stages; the first one is an initial answer.</summary>
    /// <param name="strategy">The strategy that ran (<c>cac</c>, <c>rank</c>).</param>
    /// <param name="stages">Every call, in order.</param>
    /// <param name="prefillApplied">Whether the assistant prefill was sent.</param>
    /// <param name="exitedEarly">Whether a critique ended the run before all rounds were done.</param>
    [JsonConstructor]
    public SelfCorrectionTrace(string strategy, IReadOnlyList<SelfCorrectionStage> stages, bool prefillApplied, bool exitedEarly)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0 || stages[0].Kind != StageKind.Initial)
            throw new ArgumentException("a trace starts with an initial stage", nameof(stages));
        Strategy = strategy;
        Stages = stages;
        PrefillApplied = prefillApplied;
        ExitedEarly = exitedEarly;
    }

    /// <summary>The strategy that ran: <c>cac</c> (Checking-as-Context) or <c>rank</c> (in-context ranking).</summary>
    [JsonPropertyName("strategy")]
    public string Strategy { get; }

    /// <summary>Whether the assistant prefill was sent (false when none was set or the inner client cannot continue an assistant message).</summary>
    [JsonPropertyName("prefill_applied")]
    public bool PrefillApplied { get; }

    /// <summary>Whether a critique's "no problem" verdict ended the run before all rounds were done.</summary>
    [JsonPropertyName("exited_early")]
    public bool ExitedEarly { get; }

    /// <summary>The text of the answer the run returned (<see cref="Answer"/>).</summary>
    [JsonPropertyName("answer")]
    public string AnswerText => Answer.Text;

    /// <summary>Usage summed over every stage that reported some (null when none did).</summary>
    [JsonPropertyName("usage"), JsonConverter(typeof(TraceUsageJsonConverter))]
    public UsageDetails? TotalUsage => SumUsage(Stages.Select(stage => stage.Usage));

    /// <summary>Wall time of all stages together.</summary>
    [JsonPropertyName("latency_ms"), JsonConverter(typeof(MillisecondsJsonConverter))]
    public TimeSpan TotalLatency => Stages.Aggregate(TimeSpan.Zero, (sum, stage) => sum + stage.Latency);

    /// <summary>Every call to the inner client, in order.</summary>
    [JsonPropertyName("stages")]
    public IReadOnlyList<SelfCorrectionStage> Stages { get; }

    /// <summary>The first answer (with ranking: the first candidate).</summary>
    [JsonIgnore]
    public SelfCorrectionStage Initial => Stages[0];

    /// <summary>The critiques (with ranking: the self-scores), in order.</summary>
    [JsonIgnore]
    public IEnumerable<SelfCorrectionStage> Critiques => Stages.Where(stage => stage.Kind == StageKind.Critique);

    /// <summary>The re-asked answers, one per completed round (with ranking: the one final answer).</summary>
    [JsonIgnore]
    public IEnumerable<SelfCorrectionStage> Finals => Stages.Where(stage => stage.Kind == StageKind.Final);

    /// <summary>The answer the run returned: the last re-asked one, or the initial one when there was none.</summary>
    [JsonIgnore]
    public SelfCorrectionStage Answer => Stages.Last(stage => stage.Kind != StageKind.Critique);

    /// <summary>Token counts as the trace writes them (<c>input</c>, <c>cached_input</c>, <c>output</c>, <c>total</c>); null when unreported.</summary>
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
