using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Server;

/// <summary>
/// The parts of an OpenAI chat-completions request the server uses: the model, the text messages, the generation
/// settings, streaming, and the <c>self_correction</c> extension (<c>{"strategy": "cac", "rounds": 2}</c>,
/// <c>{"strategy": "rank", "candidates": 3}</c>; any other key is refused).
/// Anything it cannot honour (several choices, tools, non-text content) is refused with 400 rather than ignored.
/// </summary>
public sealed record ChatCompletionRequest(
    string? Model,
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions Options,
    bool Stream,
    bool IncludeUsage,
    string? Strategy,
    int? Rounds,
    int? Candidates)
{
    /// <summary>The keys of the <c>self_correction</c> object.</summary>
    private static readonly string[] CorrectionKeys = ["strategy", "rounds", "candidates"];

    /// <summary>The request in <paramref name="body"/> (a JSON object), over <paramref name="defaults"/>; anything malformed or unsupported is a 400 naming its field.</summary>
    public static ChatCompletionRequest Parse(JsonElement body, ChatOptions? defaults)
    {
        if (body.ValueKind != JsonValueKind.Object) throw ApiException.InvalidRequest("the body must be a JSON object");
        var options = defaults?.Clone() ?? new ChatOptions();
        options.Temperature = Number(body, "temperature") is { } temperature ? (float)temperature : options.Temperature;
        options.TopP = Number(body, "top_p") is { } topP ? (float)topP : options.TopP;
        options.FrequencyPenalty = Number(body, "frequency_penalty") is { } frequency ? (float)frequency : options.FrequencyPenalty;
        options.PresencePenalty = Number(body, "presence_penalty") is { } presence ? (float)presence : options.PresencePenalty;
        options.MaxOutputTokens = (int?)(Integer(body, "max_completion_tokens") ?? Integer(body, "max_tokens")) ?? options.MaxOutputTokens;
        options.Seed = Integer(body, "seed") ?? options.Seed;
        options.StopSequences = Property(body, "stop") switch
        {
            null => options.StopSequences,
            { ValueKind: JsonValueKind.Array } stops => [.. stops.EnumerateArray().Select((stop, i) => Text(stop, $"stop[{i}]") ?? "")],
            { } stop => [Text(stop, "stop") ?? ""],
        };
        if (Integer(body, "n") is > 1) throw ApiException.InvalidRequest("n > 1 is not supported: one self-corrected answer per request", "n");
        if (Property(body, "tools") is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
            throw ApiException.InvalidRequest("tools are not supported by the self-correcting gateway", "tools");

        var correction = Property(body, "self_correction") switch
        {
            null => (JsonElement?)null,
            { ValueKind: JsonValueKind.Object } value => value,
            _ => throw ApiException.InvalidRequest("must be an object such as {\"strategy\": \"cac\", \"rounds\": 2}", "self_correction"),
        };
        if (correction?.EnumerateObject().Select(entry => entry.Name).FirstOrDefault(key => !CorrectionKeys.Contains(key)) is { } unknown)
            throw ApiException.InvalidRequest($"unknown key (accepted: {string.Join(", ", CorrectionKeys)})", $"self_correction.{unknown}");
        return new ChatCompletionRequest(
            Text(Property(body, "model"), "model"),
            ParseMessages(Property(body, "messages")),
            options,
            Bool(body, "stream"),
            Property(body, "stream_options") is { ValueKind: JsonValueKind.Object } streamOptions && Bool(streamOptions, "include_usage"),
            correction is { } strategy ? Text(Property(strategy, "strategy"), "self_correction.strategy") : null,
            correction is { } rounds ? (int?)Integer(rounds, "rounds", "self_correction.rounds") : null,
            correction is { } candidates ? (int?)Integer(candidates, "candidates", "self_correction.candidates") : null);
    }

    private static List<ChatMessage> ParseMessages(JsonElement? node)
    {
        if (node is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
            throw ApiException.InvalidRequest("must be a non-empty array of messages", "messages");
        var messages = new List<ChatMessage>(array.GetArrayLength());
        int i = 0;
        foreach (var message in array.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object) throw ApiException.InvalidRequest("must be an object", $"messages[{i}]");
            var role = Text(Property(message, "role"), $"messages[{i}].role") switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                var other => throw ApiException.InvalidRequest($"role '{other}' is not supported (system, developer, user, assistant)", $"messages[{i}].role"),
            };
            messages.Add(new ChatMessage(role, Content(Property(message, "content"), i)));
            i++;
        }
        return messages;
    }

    /// <summary>A message's content: a string, or an array of text parts joined.</summary>
    private static string Content(JsonElement? node, int message) => node switch
    {
        null => "",
        { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray().Select((part, i) =>
            part.ValueKind == JsonValueKind.Object && Property(part, "type") is { ValueKind: JsonValueKind.String } type && type.ValueEquals("text")
                ? Text(Property(part, "text"), $"messages[{message}].content[{i}].text")
                : throw ApiException.InvalidRequest("only text content parts are supported", $"messages[{message}].content[{i}]"))),
        _ => Text(node, $"messages[{message}].content") ?? "",
    };

    /// <summary>The property, or null when it is absent or JSON null (as an OpenAI server reads both).</summary>
    private static JsonElement? Property(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Text(JsonElement? node, string param) => node switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw ApiException.InvalidRequest("must be a string", param),
    };

    private static bool Bool(JsonElement body, string name) => Property(body, name) switch
    {
        null => false,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw ApiException.InvalidRequest("must be true or false", name),
    };

    private static double? Number(JsonElement body, string name, string? param = null) => Property(body, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value => value.GetDouble(),
        _ => throw ApiException.InvalidRequest("must be a number", param ?? name),
    };

    private static long? Integer(JsonElement body, string name, string? param = null) => Number(body, name, param) switch
    {
        null => null,
        double number when number == Math.Floor(number) && Math.Abs(number) < 1e15 => (long)number,
        _ => throw ApiException.InvalidRequest("must be an integer", param ?? name),
    };
}
