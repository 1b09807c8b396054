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

    [TinyModelFact]
    public async Task TinyGgufBatched_ConcurrentClients_GetTheAnswersTheyGetOneAtATime()
    {
        async Task<List<string>> AnswersAsync(int maxBatch, bool concurrently)
        {
            await using var server = await SelfCorrectServer.StartAsync(new ServerOptions
            {
                Port = 0,
                Model = ModelSpec.Parse("gguf:" + TestModels.TinyGgufPath),
                Backend = new BackendOptions { ContextSize = 512, Threads = 2, MaxBatch = maxBatch },
                LoggerProvider = new CapturingLoggerProvider(),
            });
            using var http = new HttpClient { BaseAddress = server.RootUri };
            // Seeded sampling, a seed per client: each answer depends on its own sampler only.
            async Task<string> AskAsync(int client)
            {
                var body = Gateway.Body($"Question {client}?");
                body["temperature"] = 0.9;
                body["seed"] = client;
                body["max_tokens"] = 8;
                using var response = await http.PostAsync("v1/chat/completions", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
                var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
                return (string)json["choices"]![0]!["message"]!["content"]!;
            }
            if (concurrently)
            {
                // Whether four short requests overlap depends on timing: on a fast machine they can finish one by one.
                // Repeat them until they have shared a decode step; every repetition must give the same answers.
                var upstream = Assert.IsType<BatchedGgufChatClient>(server.Models[0].Upstream);
                List<string>? first = null;
                for (int attempt = 0; attempt < 10 && upstream.PeakBatch < 2; attempt++)
                {
                    var together = await Task.WhenAll(Enumerable.Range(0, 4).Select(AskAsync));
                    first ??= [.. together];
                    Assert.Equal(first, together);
                }
                Assert.True(upstream.PeakBatch > 1, "the concurrent requests never shared a decode step in 10 tries");
                return first!;
            }
            var answers = new List<string>();
            for (int client = 0; client < 4; client++) answers.Add(await AskAsync(client));
            return answers;
        }

        var oneAtATime = await AnswersAsync(maxBatch: 1, concurrently: false);
        var batched = await AnswersAsync(maxBatch: 4, concurrently: true);

        Assert.Equal(oneAtATime, batched);
        Assert.True(batched.Distinct().Count() > 1);
    }
}
