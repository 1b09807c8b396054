using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Server;

/// <summary>The OpenAI chat-completion objects the server sends: the whole completion, stream chunks, usage.</summary>
public sealed class CompletionJson(string model)
{
    public string Id { get; } = "chatcmpl-" + Guid.NewGuid().ToString("N");

    public long Created { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A <c>chat.completion</c>; <paramref name="selfCorrection"/> is added when present.</summary>
    public JsonObject Completion(string text, ChatFinishReason? finish, UsageDetails? usage, JsonObject? selfCorrection)
    {
        var completion = Header("chat.completion");
        completion["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
            ["logprobs"] = null,
            ["finish_reason"] = FinishReason(finish),
        });
        completion["usage"] = Usage(usage) ?? Usage(new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 });
        if (selfCorrection is not null) completion["self_correction"] = selfCorrection;
        return completion;
    }

    /// <summary>A <c>chat.completion.chunk</c> with one choice: a delta, or (with <paramref name="finish"/>) the closing empty delta.</summary>
    public JsonObject Chunk(JsonObject delta, ChatFinishReason? finish, bool includeUsage)
    {
        var chunk = Header("chat.completion.chunk");
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finish is null ? null : FinishReason(finish),
        });
        // With stream_options.include_usage every chunk carries "usage": null until the usage chunk.
        if (includeUsage) chunk["usage"] = null;
        return chunk;
    }

    /// <summary>The usage chunk sent after the finish chunk when the client asked for it: no choices.</summary>
    public JsonObject UsageChunk(UsageDetails? usage)
    {
        var chunk = Header("chat.completion.chunk");
        chunk["choices"] = new JsonArray();
        chunk["usage"] = Usage(usage ?? new UsageDetails { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 });
        return chunk;
    }

    /// <summary>OpenAI usage (<c>prompt_tokens</c>, <c>completion_tokens</c>, <c>total_tokens</c>, cached prompt tokens); null when unreported.</summary>
    public static JsonObject? Usage(UsageDetails? usage)
    {
        if (usage is null) return null;
        long prompt = usage.InputTokenCount ?? 0, completion = usage.OutputTokenCount ?? 0;
        var json = new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = usage.TotalTokenCount ?? prompt + completion,
        };
        if (usage.CachedInputTokenCount is { } cached) json["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        return json;
    }

    private static string FinishReason(ChatFinishReason? finish) => finish?.Value ?? ChatFinishReason.Stop.Value;

    private JsonObject Header(string type) => new()
    {
        ["id"] = Id,
        ["object"] = type,
        ["created"] = Created,
        ["model"] = model,
    };
}
