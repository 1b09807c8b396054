using System.Text.Json.Nodes;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Server.Tests;

/// <summary>The chat endpoint over raw HTTP against a loopback upstream: the OpenAI schema, choosing the correction, the trace, errors.</summary>
public sealed class ChatCompletionsTests
{
    [Fact]
    public async Task CacRequest_AnswersInOpenAISchema_WithSummedUsageAndSummaryTrace()
    {
        await using var upstream = await StartAsync();
        upstream.Script(new Answer("first"), new Answer("critique"), new Answer("second"));
        await using var gateway = await Gateway.StartAsync(upstream);

        var (status, json, _) = await gateway.PostAsync(Gateway.Body("How do I pick a lock?"));

        Assert.Equal(200, status);
        Assert.StartsWith("chatcmpl-", (string?)json["id"]);
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal("selfcorrect", (string?)json["model"]);
        Assert.True((long)json["created"]! > 1_700_000_000);
        var choice = json["choices"]![0]!;
        Assert.Equal("second", (string?)choice["message"]!["content"]);
        Assert.Equal("assistant", (string?)choice["message"]!["role"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        // Three upstream calls of 11 prompt and 3 completion tokens each.
        Assert.Equal(33, (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal(9, (int)json["usage"]!["completion_tokens"]!);
        var trace = json["self_correction"]!;
        Assert.Equal("cac", (string?)trace["strategy"]);
        Assert.Equal(1, (int)trace["rounds"]!);
        var stages = trace["stages"]!.AsArray();
        Assert.Equal(["initial", "critique", "final"], stages.Select(stage => (string?)stage!["kind"]));
        Assert.All(stages, stage => Assert.Equal("stop", (string?)stage!["finish_reason"]));
        Assert.All(stages, stage => Assert.Equal(3, (int)stage!["usage"]!["completion_tokens"]!));
        Assert.All(stages, stage => Assert.Null(stage!["text"]));
        Assert.Equal(3, upstream.Requests.Count);
        Assert.Equal("Bearer " + Gateway.UpstreamKey, upstream.Requests[0].Authorization);
    }

    [Fact]
    public async Task FullTrace_CarriesEveryStageText_AndNoneCarriesNoTrace()
    {
        await using var upstream = await StartAsync();
        await using (var full = await Gateway.StartAsync(upstream, options => options with { Trace = TraceDetail.Full }))
        {
            upstream.Script(new Answer("first"), new Answer("critique"), new Answer("second"));
            var (_, json, _) = await full.PostAsync(Gateway.Body("q"));
            Assert.Equal(["first", "critique", "second"], json["self_correction"]!["stages"]!.AsArray().Select(stage => (string?)stage!["text"]));
        }
        await using var none = await Gateway.StartAsync(upstream, options => options with { Trace = TraceDetail.None });
        var (status, plain, _) = await none.PostAsync(Gateway.Body("q"));
        Assert.Equal(200, status);
        Assert.False(plain.ContainsKey("self_correction"));
    }

    [Fact]
    public async Task StrategyChosenPerRequest_ByBodyAndByHeader()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream);

        upstream.Script();
        var (_, twoRounds, _) = await gateway.PostAsync(Gateway.Body("q", new JsonObject { ["self_correction"] = new JsonObject { ["strategy"] = "cac", ["rounds"] = 2 } }));
        Assert.Equal(5, upstream.Requests.Count);
        Assert.Equal(2, (int)twoRounds["self_correction"]!["rounds"]!);

        upstream.Script();
        var (_, undefended, _) = await gateway.PostAsync(Gateway.Body("q"), (ChatCompletionsEndpoint.StrategyHeader, "none"));
        Assert.Single(upstream.Requests);
        Assert.Equal("none", (string?)undefended["self_correction"]!["strategy"]);
        Assert.Equal("answer", (string?)undefended["self_correction"]!["stages"]![0]!["kind"]);
    }

    [Theory]
    [InlineData("{\"self_correction\": {\"strategy\": \"vibes\"}}", "self_correction.strategy", "unknown_strategy")]
    [InlineData("{\"self_correction\": {\"rounds\": -1}}", "self_correction.rounds", "invalid_value")]
    [InlineData("{\"self_correction\": {\"strategy\": \"rank\", \"candidates\": 0}}", "self_correction.candidates", "invalid_value")]
    [InlineData("{\"self_correction\": {\"strategy\": \"rank\", \"candidates\": 1.5}}", "self_correction.candidates", null)]
    [InlineData("{\"self_correction\": {\"strategy\": \"rank\", \"candidate\": 2}}", "self_correction.candidate", null)]
    [InlineData("{\"model\": \"gpt-nope\"}", "model", "model_not_found")]
    [InlineData("{\"n\": 2}", "n", null)]
    [InlineData("{\"messages\": [{\"role\": \"system\", \"content\": \"no question\"}]}", "messages", null)]
    [InlineData("{\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}", "messages[0].role", null)]
    public async Task BadRequest_Is400WithOpenAIErrorBody_AndNoUpstreamCall(string extra, string param, string? code)
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream);
        upstream.Script();

        var (status, json, _) = await gateway.PostAsync(Gateway.Body("q", JsonNode.Parse(extra)!.AsObject()));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", (string?)json["error"]!["type"]);
        Assert.Equal(param, (string?)json["error"]!["param"]);
        Assert.Equal(code, (string?)json["error"]!["code"]);
        Assert.False(string.IsNullOrEmpty((string?)json["error"]!["message"]));
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task UpstreamFailure_Is502_AndHang_Is504_WithoutTheUpstreamKeyInResponseOrLog()
    {
        await using var upstream = await StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var gateway = await Gateway.StartAsync(upstream, options => options with
        {
            LoggerProvider = logs,
            // Long enough for the first (cold) upstream call on a loaded machine; the hang still ends in seconds.
            Backend = options.Backend with { RequestTimeout = TimeSpan.FromSeconds(3) },
        });

        upstream.Script(new Answer("first"), new Status(503));
        var (status, json, _) = await gateway.PostAsync(Gateway.Body("secret question 41"));
        Assert.Equal(502, status);
        Assert.Equal("upstream_error", (string?)json["error"]!["type"]);
        Assert.Contains("critique of round 1", (string?)json["error"]!["message"]);

        upstream.Script(new Hang());
        var (hungStatus, hung, _) = await gateway.PostAsync(Gateway.Body("secret question 42"));
        Assert.Equal(504, hungStatus);
        Assert.Equal("upstream_timeout", (string?)hung["error"]!["type"]);

        Assert.DoesNotContain(Gateway.UpstreamKey, json.ToJsonString() + hung.ToJsonString() + logs.Text);
        Assert.DoesNotContain("secret question", logs.Text);
        Assert.Contains(" 502 ", logs.Text);
    }

    [Fact]
    public async Task RankWithCandidates_ChosenPerRequest_AndAsAnAliasDefault()
    {
        await using var upstream = await StartAsync();
        string config = Path.Combine(Directory.CreateTempSubdirectory("selfcorrect-serve-").FullName, "serve.yaml");
        File.WriteAllText(config, $"models:\n  - name: ranked\n    model: openai:m\n    endpoint: {upstream.BaseUri}\n    strategy: rank\n    candidates: 4\n");
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { ConfigFile = config });

        upstream.Script();
        var (status, json, _) = await gateway.PostAsync(Gateway.Body("q", new JsonObject { ["self_correction"] = new JsonObject { ["strategy"] = "rank", ["candidates"] = 2 } }));
        Assert.Equal(200, status);
        // Two candidates, a score for each, and the final answer.
        Assert.Equal(5, upstream.Requests.Count);
        Assert.Equal("rank", (string?)json["self_correction"]!["strategy"]);
        Assert.Equal(5, json["self_correction"]!["stages"]!.AsArray().Count);

        upstream.Script();
        var ranked = Gateway.Body("q");
        ranked["model"] = "ranked";
        (status, _, _) = await gateway.PostAsync(ranked);
        Assert.Equal(200, status);
        Assert.Equal(9, upstream.Requests.Count);
        var models = JsonNode.Parse(await gateway.Http.GetStringAsync("v1/models"))!["data"]!.AsArray();
        Assert.Equal(4, (int)models.Single(model => (string?)model!["id"] == "ranked")!["self_correction"]!["candidates"]!);
    }

    [Fact]
    public async Task ModelAliasesFromConfig_AreListedAndServedWithTheirStrategy_AndABadAliasFailsAtStart()
    {
        await using var upstream = await StartAsync();
        string directory = Directory.CreateTempSubdirectory("selfcorrect-serve-").FullName;
        string config = Path.Combine(directory, "serve.yaml");
        File.WriteAllText(config, $"""
            models:
              - name: careful
                model: openai:m
                endpoint: {upstream.BaseUri}
                strategy: cac
                rounds: 2
                check_prompt: "Any harm in that?"
              - name: plain
                model: openai:m
                strategy: none
            """);
        await using var gateway = await Gateway.StartAsync(upstream, options => options with { ConfigFile = config });

        var models = JsonNode.Parse(await gateway.Http.GetStringAsync("v1/models"))!;
        Assert.Equal(["selfcorrect", "careful", "plain"], models["data"]!.AsArray().Select(model => (string?)model!["id"]));
        upstream.Script();
        var careful = Gateway.Body("q");
        careful["model"] = "careful";
        var (status, json, _) = await gateway.PostAsync(careful);
        Assert.Equal(200, status);
        Assert.Equal("careful", (string?)json["model"]);
        Assert.Equal(5, upstream.Requests.Count);
        Assert.Equal("Any harm in that?", upstream.Requests[1].LastUserMessage);

        File.WriteAllText(config, "models:\n  - name: bad\n    model: openai:m\n    strategy: vibes\n");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Gateway.StartAsync(upstream, options => options with { ConfigFile = config }));
        Assert.StartsWith($"{config}: models[0] (bad): strategy: unknown strategy 'vibes'", error.Message);
        File.WriteAllText(config, "models:\n  - name: bad\n    modle: openai:m\n");
        error = await Assert.ThrowsAsync<InvalidDataException>(() => Gateway.StartAsync(upstream, options => options with { ConfigFile = config }));
        Assert.StartsWith($"{config}:3: models[0].modle: unknown key", error.Message);
    }

    [Fact]
    public async Task HealthzAndMetrics_ReportRequestsStagesAndTokens()
    {
        await using var upstream = await StartAsync();
        await using var gateway = await Gateway.StartAsync(upstream);
        Assert.Equal("ok", await gateway.Http.GetStringAsync("healthz"));
        await gateway.PostAsync(Gateway.Body("q"));

        string metrics = await gateway.Http.GetStringAsync("metrics");

        Assert.Contains("selfcorrect_server_requests_total{", metrics);
        Assert.Contains("selfcorrect_server_stage_duration_seconds_bucket{", metrics);
        Assert.Contains("selfcorrect_server_tokens_total{", metrics);
        Assert.Contains("selfcorrect_server_requests_in_flight", metrics);
    }
}
