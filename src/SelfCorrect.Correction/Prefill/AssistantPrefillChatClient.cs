using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Starts every answer with a fixed text (e.g. BBQ's <c>The answer is</c>): where the inner client continues a
/// trailing assistant message (<see cref="AssistantPrefillSupport"/>), the prefill is sent as one and put in front of
/// the answer; otherwise, or when the prefill is empty, requests pass through unchanged. Checking-as-Context prefills
/// its answers itself (<see cref="SelfCorrectionOptions.AssistantPrefill"/>): its critiques must start free.
/// </summary>
public sealed class AssistantPrefillChatClient : DelegatingChatClient
{
    /// <summary>Prefills every answer of <paramref name="innerClient"/> with <paramref name="prefill"/>.</summary>
    /// <param name="innerClient">The model, or the next middleware.</param>
    /// <param name="prefill">The start of every answer (empty: none).</param>
    public AssistantPrefillChatClient(IChatClient innerClient, string prefill) : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        Prefill = prefill;
    }

    /// <summary>The start of every answer.</summary>
    public string Prefill { get; }

    /// <summary>Whether requests get the prefill: it is not empty and the inner client can continue it.</summary>
    public bool PrefillApplied => Prefill.Length > 0 && InnerClient.GetService<AssistantPrefillSupport>() is not null;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (!PrefillApplied) return await base.GetResponseAsync(messages, options, cancellationToken);
        var response = await base.GetResponseAsync(WithPrefill(messages), options, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Prefill + response.Text))
        {
            ResponseId = response.ResponseId,
            ConversationId = response.ConversationId,
            ModelId = response.ModelId,
            CreatedAt = response.CreatedAt,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            AdditionalProperties = response.AdditionalProperties,
            RawRepresentation = response.RawRepresentation,
        };
    }

    /// <summary>The prefill as the first update, then the inner client's continuation.</summary>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        bool applied = PrefillApplied;
        if (applied) yield return new ChatResponseUpdate(ChatRole.Assistant, Prefill);
        await foreach (var update in base.GetStreamingResponseAsync(applied ? WithPrefill(messages) : messages, options, cancellationToken))
            yield return update;
    }

    private List<ChatMessage> WithPrefill(IEnumerable<ChatMessage> messages) => [.. messages, new ChatMessage(ChatRole.Assistant, Prefill)];
}
