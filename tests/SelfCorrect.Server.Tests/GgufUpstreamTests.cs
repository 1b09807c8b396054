using System.Text.Json.Nodes;
using SelfCorrect.Correction;

namespace SelfCorrect.Server.Tests;

/// <summary>The tiny GGUF model in-process as the upstream: every stage runs on llama.cpp, JSON and SSE.</summary>
public sealed class GgufUpstreamTests
{
    [TinyModelFact]
    public async Task TinyGguf_AnswersAndStreamsThroughCac_WithKvReuseVisibleInStageUsage()
    {
        var options = new ServerOptions
        {
            Port = 0,
            Model = ModelSpec.Parse("gguf:" + TestModels.TinyGgufPath),
            Backend = new BackendOptions { ContextSize = 512, Threads = 2, DefaultMaxOutputTokens = 8 },
            DefaultChatOptions = new Microsoft.Extensions.AI.ChatOptions { Temperature = 0, MaxOutputTokens = 8 },
            Trace = TraceDetail.Full,
            LoggerProvider = new CapturingLoggerProvider(),
        };
        await using var server = await SelfCorrectServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = server.RootUri };

        using var response = await http.PostAsync("v1/chat/completions", new StringContent(Gateway.Body("Hello?").ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        var stages = json["self_correction"]!["stages"]!.AsArray();
        Assert.Equal(3, stages.Count);
        Assert.Equal((string?)stages[2]!["text"], (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.True((int)stages[2]!["usage"]!["prompt_tokens_details"]!["cached_tokens"]! > 0);

        using var streamed = await http.SendAsync(Gateway.StreamRequest("Hello?", includeUsage: true), HttpCompletionOption.ResponseHeadersRead);
        var sse = await SseReader.ReadAsync(await streamed.Content.ReadAsStreamAsync());
        Assert.True(sse.Done);
        // Greedy decoding: the streamed answer is the one the JSON request got.
        Assert.Equal((string?)json["choices"]![0]!["message"]!["content"], sse.Content);
    }
}
