using System.Text.Json.Nodes;

namespace SelfCorrect.Server.Tests;

/// <summary>A streamed response read line by line: the comments, the data events, and whether it ended with [DONE].</summary>
public sealed record SseReader(List<string> Comments, List<JsonObject> Events, bool Done)
{
    public string Content => string.Concat(Events.Select(e => (string?)e["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"]));

    public static async Task<SseReader> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var comments = new List<string>();
        var events = new List<JsonObject>();
        bool done = false;
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(": ", StringComparison.Ordinal)) comments.Add(line[2..]);
            else if (line == "data: [DONE]") done = true;
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(JsonNode.Parse(line[6..])!.AsObject());
        }
        return new SseReader(comments, events, done);
    }
}
