using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Sends a rewritten copy of each request's messages; the caller's list is left as it was.</summary>
internal sealed class MessageRewritingChatClient(IChatClient inner, Action<List<ChatMessage>> rewrite) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Rewrite(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Rewrite(messages), options, cancellationToken);

    /// <summary>A client that inserts <paramref name="preamble"/> after the leading system messages of every request.</summary>
    public static IChatClient AfterSystemPrompt(IChatClient inner, ChatMessage[] preamble) => new MessageRewritingChatClient(inner, messages =>
        messages.InsertRange(messages.TakeWhile(message => message.Role == ChatRole.System).Count(), preamble));

    private List<ChatMessage> Rewrite(IEnumerable<ChatMessage> messages)
    {
        List<ChatMessage> copy = [.. messages];
        rewrite(copy);
        return copy;
    }
}
