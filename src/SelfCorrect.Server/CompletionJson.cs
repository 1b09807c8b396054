using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Server;

/// <summary>
/// The OpenAI chat-completion objects the server sends (the whole completion, stream chunks, usage), written straight to
/// a <see cref="Utf8JsonWriter"/>: one is written per token when streaming, so no object tree is built for it.
/// <paramref name="model"/> is the served name every object carries.
/// </summary>
public sealed class CompletionJson(string model)
{
    public string Id { get; } = "chatcmpl-" + Guid.NewGuid().ToString("N");

    public long Created { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A <c>chat.completion</c>; <paramref name="extra"/> writes properties after <c>usage</c> (the trace).</summary>
    public void WriteCompletion(Utf8JsonWriter writer, string text, ChatFinishReason? finish, UsageDetails? usage, Action<Utf8JsonWriter>? extra)
    {
        WriteHeader(writer, "chat.completion");
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", text);
        writer.WriteNull("refusal");
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", FinishReason(finish));
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer, usage ?? NoUsage);
        extra?.Invoke(writer);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A <c>chat.completion.chunk</c> with one choice: a delta with <paramref name="content"/> (and the role on the first),
    /// or, with <paramref name="finish"/>, the closing empty delta; <paramref name="extra"/> writes properties after it.
    /// </summary>
    public void WriteChunk(Utf8JsonWriter writer, string? content, bool withRole, ChatFinishReason? finish, bool includeUsage, Action<Utf8JsonWriter>? extra = null)
    {
        WriteHeader(writer, "chat.completion.chunk");
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        if (withRole) writer.WriteString("role", "assistant");
        if (content is not null) writer.WriteString("content", content);
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finish is null) writer.WriteNull("finish_reason");
        else writer.WriteString("finish_reason", FinishReason(finish));
        writer.WriteEndObject();
        writer.WriteEndArray();
        // With stream_options.include_usage every chunk carries "usage": null until the usage chunk.
        if (includeUsage) writer.WriteNull("usage");
        extra?.Invoke(writer);
        writer.WriteEndObject();
    }

    /// <summary>The usage chunk sent after the finish chunk when the client asked for it: no choices.</summary>
    public void WriteUsageChunk(Utf8JsonWriter writer, UsageDetails? usage, Action<Utf8JsonWriter>? extra)
    {
        WriteHeader(writer, "chat.completion.chunk");
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        WriteUsage(writer, usage ?? NoUsage);
        extra?.Invoke(writer);
        writer.WriteEndObject();
    }

    /// <summary>OpenAI usage (<c>prompt_tokens</c>, <c>completion_tokens</c>, <c>total_tokens</c>, cached prompt tokens) as the <c>usage</c> property; null when unreported.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, UsageDetails? usage)
    {
        if (usage is null)
        {
            writer.WriteNull("usage");
            return;
        }
        long prompt = usage.InputTokenCount ?? 0, completion = usage.OutputTokenCount ?? 0;
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", prompt);
        writer.WriteNumber("completion_tokens", completion);
        writer.WriteNumber("total_tokens", usage.TotalTokenCount ?? prompt + completion);
        if (usage.CachedInputTokenCount is { } cached)
        {
            writer.WriteStartObject("prompt_tokens_details");
            writer.WriteNumber("cached_tokens", cached);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static readonly UsageDetails NoUsage = new() { InputTokenCount = 0, OutputTokenCount = 0, TotalTokenCount = 0 };

    private static string FinishReason(ChatFinishReason? finish) => finish?.Value ?? ChatFinishReason.Stop.Value;

    private void WriteHeader(Utf8JsonWriter writer, string type)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("object", type);
        writer.WriteNumber("created", Created);
        writer.WriteString("model", model);
    }
}
