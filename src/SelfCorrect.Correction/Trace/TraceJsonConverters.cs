using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Messages in a trace: <c>[{"role": "user", "text": "..."}]</c>; read back as text-only messages.</summary>
internal sealed class TraceMessagesJsonConverter : JsonConverter<IReadOnlyList<ChatMessage>>
{
    public override IReadOnlyList<ChatMessage> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        [.. JsonNode.Parse(ref reader)!.AsArray().Select(message =>
            new ChatMessage(new ChatRole(message!["role"]!.GetValue<string>()), message["text"]?.GetValue<string>()))];

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var message in value)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role.Value);
            writer.WriteString("text", message.Text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}

/// <summary>Token usage in a trace: <c>{"input", "cached_input", "output", "total"}</c>, each a count or null.</summary>
internal sealed class TraceUsageJsonConverter : JsonConverter<UsageDetails>
{
    public override UsageDetails Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var usage = JsonNode.Parse(ref reader)!.AsObject();
        return new UsageDetails
        {
            InputTokenCount = usage["input"]?.GetValue<long>(),
            CachedInputTokenCount = usage["cached_input"]?.GetValue<long>(),
            OutputTokenCount = usage["output"]?.GetValue<long>(),
            TotalTokenCount = usage["total"]?.GetValue<long>(),
        };
    }

    public override void Write(Utf8JsonWriter writer, UsageDetails value, JsonSerializerOptions options) =>
        SelfCorrectionTrace.UsageJson(value)!.WriteTo(writer);
}

/// <summary>A duration in a trace: milliseconds, rounded to microseconds.</summary>
internal sealed class MillisecondsJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromMilliseconds(reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(Math.Round(value.TotalMilliseconds, 3));
}
