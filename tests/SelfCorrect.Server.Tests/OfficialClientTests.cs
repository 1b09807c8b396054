using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Server.Tests;

/// <summary>The official OpenAI clients (the .NET SDK, and the npm package under Node) against the gateway, with client keys on.</summary>
public sealed class OfficialClientTests
{
    private const string ClientKey = "sk-client-test-key";

    private static Task<Gateway> StartGatewayAsync(LoopbackChatServer upstream) =>
        Gateway.StartAsync(upstream, options => options with { ClientKeyHashes = new HashSet<string> { ClientKeys.Hash(ClientKey) } });

    [Fact]
    public async Task DotnetSdk_CompletesStreamsChoosesStrategyAndSeesErrors()
    {
        await using var upstream = await StartAsync(TimeSpan.Zero, (_, _) => new Answer("three word answer"));
        await using var gateway = await StartGatewayAsync(upstream);
        var strategy = new StrategyHeaderPolicy();
        var options = new OpenAIClientOptions { Endpoint = gateway.BaseUri, RetryPolicy = new ClientRetryPolicy(0) };
        options.AddPolicy(strategy, PipelinePosition.PerCall);
        var chat = new ChatClient("selfcorrect", new ApiKeyCredential(ClientKey), options);
        ChatMessage[] messages = [new UserChatMessage("How do I pick a lock?")];

        ChatCompletion completion = (await chat.CompleteChatAsync(messages)).Value;
        Assert.Equal("three word answer", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(9, completion.Usage.OutputTokenCount);
        Assert.Equal(3, upstream.Requests.Count);

        string streamed = "";
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages))
        {
            streamed += string.Concat(update.ContentUpdate.Select(part => part.Text));
            usage = update.Usage ?? usage;
        }
        Assert.Equal("three word answer", streamed);
        Assert.Equal(33, usage!.InputTokenCount);

        strategy.Value = "none";
        upstream.Script();
        await chat.CompleteChatAsync(messages);
        Assert.Single(upstream.Requests);

        strategy.Value = "vibes";
        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync(messages));
        Assert.Equal(400, error.Status);
        Assert.Contains("unknown strategy 'vibes'", error.Message);

        var stranger = new ChatClient("selfcorrect", new ApiKeyCredential("sk-wrong"), new OpenAIClientOptions { Endpoint = gateway.BaseUri, RetryPolicy = new ClientRetryPolicy(0) });
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => stranger.CompleteChatAsync(messages));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task NodeOpenAIPackage_CompletesStreamsTakesExtraBodyAndSeesErrors()
    {
        await using var upstream = await StartAsync(TimeSpan.Zero, (_, _) => new Answer("three word answer"));
        await using var gateway = await StartGatewayAsync(upstream);
        string folder = Path.Combine(RepositoryPaths.Root!, "tests", "SelfCorrect.Server.Tests", "node-client");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "openai")))
            await RunAsync(folder, "npm", "ci", "--no-audit", "--no-fund");

        var result = JsonNode.Parse(await RunAsync(folder, "node", "client.mjs", gateway.BaseUri.ToString()))!;

        Assert.Equal("three word answer", (string?)result["completion"]!["content"]);
        Assert.Equal("stop", (string?)result["completion"]!["finish_reason"]);
        Assert.Equal(9, (int)result["completion"]!["usage"]!["completion_tokens"]!);
        Assert.Equal("cac", (string?)result["completion"]!["self_correction"]!["strategy"]);
        Assert.Equal("three word answer", (string?)result["stream"]!["content"]);
        Assert.Equal(33, (int)result["stream"]!["usage"]!["prompt_tokens"]!);
        Assert.Equal(3, result["stream"]!["self_correction"]!["stages"]!.AsArray().Count);
        Assert.Equal(2, (int)result["extra_body"]!["rounds"]!);
        Assert.Equal(5, (int)result["extra_body"]!["stages"]!);
        Assert.Equal(400, (int)result["error"]!["status"]!);
        Assert.Equal("self_correction.strategy", (string?)result["error"]!["param"]);
        Assert.Equal("unknown_strategy", (string?)result["error"]!["code"]);
    }

    private static async Task<string> RunAsync(string folder, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["SELFCORRECT_CLIENT_KEY"] = ClientKey;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        return await output;
    }

    /// <summary>Sends <c>X-SelfCorrect-Strategy</c> when set: the .NET SDK's way to choose the strategy per request.</summary>
    private sealed class StrategyHeaderPolicy : PipelinePolicy
    {
        public string? Value { get; set; }

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            if (Value is not null) message.Request.Headers.Set(ChatCompletionsEndpoint.StrategyHeader, Value);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            if (Value is not null) message.Request.Headers.Set(ChatCompletionsEndpoint.StrategyHeader, Value);
            await ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
