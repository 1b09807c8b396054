using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Service an inner client returns from <see cref="IChatClient.GetService"/> when it continues a trailing assistant
/// message instead of starting a new one (the in-process GGUF backend does); middleware then sends the prefill.
/// </summary>
public sealed class AssistantPrefillSupport
{
    /// <summary>The one instance a backend returns.</summary>
    public static AssistantPrefillSupport Instance { get; } = new();

    private AssistantPrefillSupport() { }
}
