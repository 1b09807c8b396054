using System.Net;
using System.Text.Json.Nodes;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Server.Tests;

/// <summary>SSE: keep-alive comments while the earlier stages run, the last answer token by token, the trace on the last chunk.</summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task Stream_SendsKeepAlivesThenTokens_UsageChunkCarriesTrace_EndsWithDone()
    {
        await using var upstream = await StartAsync(TimeSpan.FromMilliseconds(250), (_, _) => new Answer("one two three"));
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { KeepAliveInterval = TimeSpan.FromMilliseconds(100) });

        using var response = await gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: true), HttpCompletionOption.ResponseHeadersRead);
        var sse = await SseReader.ReadAsync(await response.Content.ReadAsStreamAsync());

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("keep-alive", sse.Comments);
        Assert.True(sse.Done);
        Assert.Equal("one two three", sse.Content);
        // A chunk per word of the streamed last answer, the finish chunk, the usage chunk.
        Assert.Equal(5, sse.Events.Count);
        Assert.Equal("assistant", (string?)sse.Events[0]["choices"]![0]!["delta"]!["role"]);
        Assert.All(sse.Events, chunk => Assert.Equal("chat.completion.chunk", (string?)chunk["object"]));
        Assert.Equal("stop", (string?)sse.Events[^2]["choices"]![0]!["finish_reason"]);
        var last = sse.Events[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal(33, (int)last["usage"]!["prompt_tokens"]!);
        Assert.Equal(["initial", "critique", "final"], last["self_correction"]!["stages"]!.AsArray().Select(stage => (string?)stage!["kind"]));
        Assert.True(upstream.Requests[2].Streamed);
        Assert.False(upstream.Requests[0].Streamed);
    }

    [Fact]
    public async Task Stream_WithoutUsage_PutsTraceOnTheFinishChunk_AndUpstreamFailureBeforeTheFirstEventIsA502()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream);

        using (var response = await gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: false), HttpCompletionOption.ResponseHeadersRead))
        {
            var sse = await SseReader.ReadAsync(await response.Content.ReadAsStreamAsync());
            Assert.Equal("stop", (string?)sse.Events[^1]["choices"]![0]!["finish_reason"]);
            Assert.Equal("cac", (string?)sse.Events[^1]["self_correction"]!["strategy"]);
            Assert.All(sse.Events, chunk => Assert.False(chunk.ContainsKey("usage")));
        }

        upstream.Script(new Status(500));
        using var failed = await gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: false));
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal("upstream_error", (string?)JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["error"]!["type"]);
    }

    /// <summary>
    /// The objects are written field by field (no object tree), so their exact OpenAI shape is pinned here: the keys in
    /// order, the explicit nulls OpenAI sends, and text that needs escaping arriving intact.
    /// </summary>
    [Fact]
    public async Task WireShape_CompletionAndChunks_HaveOpenAIKeysInOrder_AndEscapedTextRoundTrips()
    {
        const string Answer = "caf\u00e9 \"quoted\" <b>&</b>\nline two";
        await using var upstream = await StartAsync(TimeSpan.Zero, (_, _) => new Answer(Answer));
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { Strategy = "none", Trace = TraceDetail.None });
        static string[] Keys(JsonNode? node) => [.. node!.AsObject().Select(entry => entry.Key)];

        var (status, json, _) = await gateway.PostAsync(Gateway.Body("q"));
        Assert.Equal(200, status);
        Assert.Equal(["id", "object", "created", "model", "choices", "usage"], Keys(json));
        var choice = json["choices"]!.AsArray().Single();
        Assert.Equal(["index", "message", "logprobs", "finish_reason"], Keys(choice));
        Assert.Equal(["role", "content", "refusal"], Keys(choice!["message"]));
        Assert.Null(choice["message"]!["refusal"]);
        Assert.Null(choice["logprobs"]);
        Assert.Equal(Answer, (string?)choice["message"]!["content"]);
        Assert.Equal(["prompt_tokens", "completion_tokens", "total_tokens"], Keys(json["usage"]));

        using var response = await gateway.Http.SendAsync(Gateway.StreamRequest("q", includeUsage: true), HttpCompletionOption.ResponseHeadersRead);
        var sse = await SseReader.ReadAsync(await response.Content.ReadAsStreamAsync());
        Assert.True(sse.Done);
        Assert.Equal(Answer, sse.Content);
        var (first, finish, usage) = (sse.Events[0], sse.Events[^2], sse.Events[^1]);
        Assert.Equal(["id", "object", "created", "model", "choices", "usage"], Keys(first));
        Assert.Null(first["usage"]);
        Assert.Equal(["role", "content"], Keys(first["choices"]![0]!["delta"]));
        Assert.Null(first["choices"]![0]!["finish_reason"]);
        Assert.Empty(Keys(finish["choices"]![0]!["delta"]));
        Assert.Equal("stop", (string?)finish["choices"]![0]!["finish_reason"]);
        Assert.Empty(usage["choices"]!.AsArray());
        Assert.Equal((int)usage["usage"]!["prompt_tokens"]! + (int)usage["usage"]!["completion_tokens"]!, (int)usage["usage"]!["total_tokens"]!);
        // One id and one created time for every chunk of a response.
        Assert.Single(sse.Events.Select(chunk => (string?)chunk["id"]).Distinct());
    }
}
