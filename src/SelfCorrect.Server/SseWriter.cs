using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SelfCorrect.Server;

/// <summary>Server-sent events on a response: the headers go with the first event, so a failure before it can still be a plain error status.</summary>
public sealed class SseWriter(HttpResponse response, CancellationToken cancellationToken)
{
    public bool Started => response.HasStarted;

    public Task DataAsync(JsonNode data) => WriteAsync("data: " + data.ToJsonString() + "\n\n");

    public Task CommentAsync(string comment) => WriteAsync(": " + comment + "\n\n");

    public Task DoneAsync() => WriteAsync("data: [DONE]\n\n");

    private async Task WriteAsync(string text)
    {
        if (!response.HasStarted)
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            // Proxies such as nginx would otherwise hold the tokens back.
            response.Headers["X-Accel-Buffering"] = "no";
        }
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
