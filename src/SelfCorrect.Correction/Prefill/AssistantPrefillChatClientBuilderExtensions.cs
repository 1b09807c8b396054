using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

public static class AssistantPrefillChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="AssistantPrefillChatClient"/>: every answer starts with <paramref name="prefill"/> where the backend can continue one.</summary>
    public static ChatClientBuilder UsePrefill(this ChatClientBuilder builder, string prefill)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(prefill);
        return builder.Use(inner => new AssistantPrefillChatClient(inner, prefill));
    }
}
