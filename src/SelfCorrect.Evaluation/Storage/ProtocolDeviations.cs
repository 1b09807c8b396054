using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// Where a run could not follow its protocol because of the backend, in words; settings.json and metrics.json record
/// them under <see cref="Key"/> and the report repeats them next to the run.
/// </summary>
internal static class ProtocolDeviations
{
    public const string Key = "protocol_deviations";

    /// <summary>The deviations of a run whose answers start with <paramref name="prefill"/> on <paramref name="backend"/>.</summary>
    public static JsonArray Of(IChatClient backend, string prefill) =>
        prefill.Length == 0 || backend.GetService<AssistantPrefillSupport>() is not null ? []
        : [$"the backend does not continue an assistant message (--prefill off, or an openai: server without --server vllm|llamacpp): answers were not prefilled with \"{prefill}\" as the protocol says"];

    /// <summary>The deviations a settings.json or metrics.json recorded (none in files written before they were recorded).</summary>
    public static IReadOnlyList<string> Read(JsonObject? file) =>
        file?[Key] is JsonArray list ? [.. list.Select(item => (string?)item ?? "")] : [];
}
