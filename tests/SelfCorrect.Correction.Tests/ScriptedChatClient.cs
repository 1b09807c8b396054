using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction.Tests;

/// <summary>
/// A scripted <see cref="IChatClient"/> for deterministic middleware logic: call i answers <c>answer(i, messages)</c>
/// with usage input = 10·(i+1), output = i+1, and records what it was sent. Streaming splits the answer at spaces.
/// </summary>
public sealed class ScriptedChatClient(Func<int, IReadOnlyList<ChatMessage>, string> answer, bool continuesAssistant = false) : IChatClient
{
    public sealed record Call(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, bool Streamed);

    public List<Call> Calls { get; } = [];

    /// <summary>Throws this on the call with the given index, when set.</summary>
    public (int Call, Exception Error)? Failure { get; init; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (index, text) = Next(messages, options, streamed: false);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = $"r{index}",
            FinishReason = ChatFinishReason.Stop,
            Usage = UsageOf(index),
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (index, text) = Next(messages, options, streamed: true);
        string[] words = text.Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]) { ResponseId = $"r{index}" };
        }
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(UsageOf(index))]) { ResponseId = $"r{index}", FinishReason = ChatFinishReason.Stop };
    }

    public static UsageDetails UsageOf(int index) => new() { InputTokenCount = 10 * (index + 1), OutputTokenCount = index + 1, TotalTokenCount = 11 * (index + 1) };

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(AssistantPrefillSupport) && continuesAssistant ? AssistantPrefillSupport.Instance
        : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    private (int Index, string Text) Next(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streamed)
    {
        List<ChatMessage> sent = [.. messages];
        int index = Calls.Count;
        Calls.Add(new Call(sent, options, streamed));
        if (Failure is { } failure && failure.Call == index) throw failure.Error;
        return (index, answer(index, sent));
    }
}
