using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>The trace a correction middleware attaches to its response, read back from <see cref="ChatResponse.AdditionalProperties"/>.</summary>
public static class SelfCorrectionTraceExtensions
{
    /// <summary>
    /// The trace of the correction run that produced this response; null when it did not come through the middleware.
    /// A response that went through JSON (a cache, an HTTP gateway) has the trace as JSON, which is read back.
    /// </summary>
    public static SelfCorrectionTrace? GetSelfCorrectionTrace(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Find(response.AdditionalProperties);
    }

    /// <summary>The trace carried by the last update of a streamed correction run; null on every other update.</summary>
    public static SelfCorrectionTrace? GetSelfCorrectionTrace(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Find(update.AdditionalProperties);
    }

    private static SelfCorrectionTrace? Find(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(SelfCorrectionTrace.PropertyKey, out object? value) != true ? null : value switch
        {
            SelfCorrectionTrace trace => trace,
            JsonElement json => json.Deserialize<SelfCorrectionTrace>(),
            _ => null,
        };
}
