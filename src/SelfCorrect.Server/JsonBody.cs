using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SelfCorrect.Server;

/// <summary>
/// Writes JSON straight into the response's pipe: no intermediate string and no second encoding pass, which at hundreds
/// of requests in flight is garbage the collector would otherwise stop the server for.
/// </summary>
public static class JsonBody
{
    /// <summary>The whole response body: <c>application/json</c> and what <paramref name="write"/> writes, flushed.</summary>
    public static async Task WriteAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken cancellationToken = default)
    {
        response.ContentType = "application/json";
        Write(response.BodyWriter, write);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <inheritdoc cref="WriteAsync(HttpResponse, Action{Utf8JsonWriter}, CancellationToken)"/>
    public static Task WriteAsync(HttpResponse response, JsonNode body, CancellationToken cancellationToken = default) =>
        WriteAsync(response, writer => body.WriteTo(writer), cancellationToken);

    /// <summary>Appends what <paramref name="write"/> writes as compact JSON (the text <see cref="JsonNode.ToJsonString"/> would give).</summary>
    public static void Write(IBufferWriter<byte> output, Action<Utf8JsonWriter> write)
    {
        using var writer = new Utf8JsonWriter(output);
        write(writer);
    }
}
