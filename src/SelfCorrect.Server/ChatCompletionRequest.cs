using System.Text.Json;
using System.Text.Json.Nodes;
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

    public static ChatCompletionRequest Parse(JsonObject body, ChatOptions? defaults)
    {
        var options = defaults?.Clone() ?? new ChatOptions();
        options.Temperature = Number(body, "temperature") is { } temperature ? (float)temperature : options.Temperature;
        options.TopP = Number(body, "top_p") is { } topP ? (float)topP : options.TopP;
        options.FrequencyPenalty = Number(body, "frequency_penalty") is { } frequency ? (float)frequency : options.FrequencyPenalty;
        options.PresencePenalty = Number(body, "presence_penalty") is { } presence ? (float)presence : options.PresencePenalty;
        options.MaxOutputTokens = (int?)(Integer(body, "max_completion_tokens") ?? Integer(body, "max_tokens")) ?? options.MaxOutputTokens;
        options.Seed = Integer(body, "seed") ?? options.Seed;
        options.StopSequences = body["stop"] switch
        {
            null => options.StopSequences,
            JsonArray stops => [.. stops.Select((stop, i) => Text(stop, $"stop[{i}]") ?? "")],
            var stop => [Text(stop, "stop") ?? ""],
        };
        if (Integer(body, "n") is > 1) throw ApiException.InvalidRequest("n > 1 is not supported: one self-corrected answer per request", "n");
        if (body["tools"] is JsonArray { Count: > 0 }) throw ApiException.InvalidRequest("tools are not supported by the self-correcting gateway", "tools");

        var correction = body["self_correction"] switch
        {
            null => null,
            JsonObject value => value,
            _ => throw ApiException.InvalidRequest("must be an object such as {\"strategy\": \"cac\", \"rounds\": 2}", "self_correction"),
        };
        if (correction?.Select(entry => entry.Key).FirstOrDefault(key => !CorrectionKeys.Contains(key)) is { } unknown)
            throw ApiException.InvalidRequest($"unknown key (accepted: {string.Join(", ", CorrectionKeys)})", $"self_correction.{unknown}");
        return new ChatCompletionRequest(
            Text(body["model"], "model"),
            ParseMessages(body["messages"]),
            options,
            Bool(body, "stream"),
            body["stream_options"] is JsonObject streamOptions && Bool(streamOptions, "include_usage"),
            correction is null ? null : Text(correction["strategy"], "self_correction.strategy"),
            correction is null ? null : (int?)Integer(correction, "rounds", "self_correction.rounds"),
            correction is null ? null : (int?)Integer(correction, "candidates", "self_correction.candidates"));
    }

    private static List<ChatMessage> ParseMessages(JsonNode? node)
    {
        if (node is not JsonArray { Count: > 0 } array) throw ApiException.InvalidRequest("must be a non-empty array of messages", "messages");
        var messages = new List<ChatMessage>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            string param = $"messages[{i}]";
            if (array[i] is not JsonObject message) throw ApiException.InvalidRequest("must be an object", param);
            var role = Text(message["role"], $"{param}.role") switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                var other => throw ApiException.InvalidRequest($"role '{other}' is not supported (system, developer, user, assistant)", $"{param}.role"),
            };
            messages.Add(new ChatMessage(role, Content(message["content"], $"{param}.content")));
        }
        return messages;
    }

    /// <summary>A string, or an array of text parts joined.</summary>
    private static string Content(JsonNode? node, string param) => node switch
    {
        null => "",
        JsonArray parts => string.Concat(parts.Select((part, i) => part is JsonObject { } p && (string?)p["type"] == "text"
            ? Text(p["text"], $"{param}[{i}].text")
            : throw ApiException.InvalidRequest("only text content parts are supported", $"{param}[{i}]"))),
        _ => Text(node, param) ?? "",
    };

    private static string? Text(JsonNode? node, string param) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw ApiException.InvalidRequest("must be a string", param),
    };

    private static bool Bool(JsonObject body, string name) => body[name] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw ApiException.InvalidRequest("must be true or false", name),
    };

    private static double? Number(JsonObject body, string name, string? param = null) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<double>(),
        _ => throw ApiException.InvalidRequest("must be a number", param ?? name),
    };

    private static long? Integer(JsonObject body, string name, string? param = null) => Number(body, name, param) switch
    {
        null => null,
        double number when number == Math.Floor(number) && Math.Abs(number) < 1e15 => (long)number,
        _ => throw ApiException.InvalidRequest("must be an integer", param ?? name),
    };
}
