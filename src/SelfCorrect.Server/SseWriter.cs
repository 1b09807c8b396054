using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SelfCorrect.Server;

/// <summary>Server-sent events on a response: the headers go with the first event, so a failure before it can still be a plain error status.</summary>
public sealed class SseWriter(HttpResponse response, CancellationToken cancellationToken)
{
    public bool Started => response.HasStarted;

    /// <summary>A <c>data:</c> event carrying what <paramref name="write"/> writes, as JSON straight into the response's pipe.</summary>
    public Task DataAsync(Action<Utf8JsonWriter> write)
    {
        Begin();
        var output = response.BodyWriter;
        output.Write("data: "u8);
        JsonBody.Write(output, write);
        output.Write("\n\n"u8);
        return FlushAsync();
    }

    public Task CommentAsync(string comment) => WriteAsync(": " + comment + "\n\n");

    public Task DoneAsync() => WriteAsync("data: [DONE]\n\n");

    private Task WriteAsync(string text)
    {
        Begin();
        Encoding.UTF8.GetBytes(text, response.BodyWriter);
        return FlushAsync();
    }

    private void Begin()
    {
        if (response.HasStarted) return;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold the tokens back.
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Each event leaves at once: a client reads tokens as they come, and the keep-alive comments must get through.</summary>
    private async Task FlushAsync() => await response.BodyWriter.FlushAsync(cancellationToken);
}
