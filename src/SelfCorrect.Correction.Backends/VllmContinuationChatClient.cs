using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace SelfCorrect.Correction;

/// <summary>
/// vLLM answers a trailing assistant message with a new turn unless the request asks it to continue it: a request
/// whose last message is the assistant's gets <c>continue_final_message: true</c> and <c>add_generation_prompt: false</c>
/// (vLLM's chat-completions extra parameters), added to the body through the OpenAI SDK's JSON patch.
/// </summary>
internal sealed class VllmContinuationChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        return base.GetResponseAsync(list, Continuing(list, options), cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        return base.GetStreamingResponseAsync(list, Continuing(list, options), cancellationToken);
    }

    private static ChatOptions? Continuing(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (messages.Count == 0 || messages[^1].Role != ChatRole.Assistant) return options;
        var continuing = options?.Clone() ?? new ChatOptions();
        var previous = continuing.RawRepresentationFactory;
        continuing.RawRepresentationFactory = client =>
        {
            var raw = previous?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch is the SDK's way to add fields it does not model; marked experimental.
            raw.Patch.Set("$.continue_final_message"u8, true);
            raw.Patch.Set("$.add_generation_prompt"u8, false);
#pragma warning restore SCME0001
            return raw;
        };
        return continuing;
    }
}
