using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Adds <see cref="AssistantPrefillChatClient"/> to a chat pipeline.</summary>
public static class AssistantPrefillChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="AssistantPrefillChatClient"/>: every answer starts with <paramref name="prefill"/> where the backend can continue one.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="prefill">The start of every answer.</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UsePrefill(this ChatClientBuilder builder, string prefill)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(prefill);
        return builder.Use(inner => new AssistantPrefillChatClient(inner, prefill));
    }
}
