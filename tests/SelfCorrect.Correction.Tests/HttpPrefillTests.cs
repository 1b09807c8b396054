using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Correction.Tests;

/// <summary>
/// The assistant prefill over HTTP: the exact request body each server kind receives (vLLM's continuation fields,
/// llama.cpp server's and Ollama's trailing assistant message), and which settings offer the prefill at all.
/// </summary>
public sealed class HttpPrefillTests : IAsyncLifetime
{
    private const string KeyVariable = "SELFCORRECT_TEST_PREFILL_KEY";
    private const string Prefill = "The answer is";
    private LoopbackChatServer _server = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, "k");
        _server = await StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IChatClient OpenAI(OpenAIServer server, PrefillMode prefill = PrefillMode.Auto) =>
        ChatBackends.Create(ModelSpec.Parse("openai:m"), new BackendOptions
        {
            Endpoint = _server.BaseUri, ApiKeyEnvironmentVariable = KeyVariable, Server = server, Prefill = prefill, MaxRetries = 0,
        });

    private async Task<(string Text, JsonObject Body)> AskPrefilledAsync(IChatClient backend)
    {
        _server.Script(new Answer(" (b)."));
        using var client = backend.AsBuilder().UsePrefill(Prefill).Build();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Q?")], new ChatOptions { Temperature = 0f, MaxOutputTokens = 10 });
        return (response.Text, Assert.Single(_server.Requests).Body);
    }

    private static void AssertBody(string expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    /// <summary>vLLM needs its two continuation fields; the llama.cpp server continues the trailing message as sent.</summary>
    [Theory]
    [InlineData(OpenAIServer.Vllm, ""","continue_final_message":true,"add_generation_prompt":false""")]
    [InlineData(OpenAIServer.LlamaCpp, "")]
    public async Task PrefilledRequest_EndsWithTheAssistantMessage_PlusTheServersFields(OpenAIServer server, string fields)
    {
        using var backend = OpenAI(server);
        var (text, body) = await AskPrefilledAsync(backend);

        Assert.Equal("The answer is (b).", text);
        AssertBody("""{"messages":[{"role":"user","content":"Q?"},{"role":"assistant","content":"The answer is"}],"model":"m","max_completion_tokens":10,"temperature":0"""
            + fields + "}", body);
    }

    [Fact]
    public async Task Vllm_UnprefilledRequest_HasNoContinuationFields()
    {
        using var backend = OpenAI(OpenAIServer.Vllm);
        _server.Script(new Answer("hi"));
        await backend.GetResponseAsync([new ChatMessage(ChatRole.User, "Q?")]);

        var body = Assert.Single(_server.Requests).Body;
        Assert.False(body.ContainsKey("continue_final_message"));
        Assert.False(body.ContainsKey("add_generation_prompt"));
    }

    [Fact]
    public async Task Ollama_PrefilledRequest_EndsWithTheAssistantMessage()
    {
        using var backend = ChatBackends.Create(ModelSpec.Parse("ollama:m"), new BackendOptions { Endpoint = _server.RootUri, MaxRetries = 0 });
        var (text, body) = await AskPrefilledAsync(backend);

        Assert.Equal("The answer is (b).", text);
        Assert.Equal([("user", "Q?"), ("assistant", "The answer is")],
            body["messages"]!.AsArray().Select(m => ((string)m!["role"]!, (string)m["content"]!)));
        Assert.Equal("m", (string)body["model"]!);
    }

    [Fact]
    public async Task OtherServer_Auto_SendsNoPrefill()
    {
        using var backend = OpenAI(OpenAIServer.Other);
        var (text, body) = await AskPrefilledAsync(backend);

        Assert.Equal(" (b).", text);
        AssertBody("""{"messages":[{"role":"user","content":"Q?"}],"model":"m","max_completion_tokens":10,"temperature":0}""", body);
    }

    [Theory]
    [InlineData("gguf:x.gguf", OpenAIServer.Other, PrefillMode.Auto, true)]
    [InlineData("gguf:x.gguf", OpenAIServer.Other, PrefillMode.Off, false)]
    [InlineData("ollama:m", OpenAIServer.Other, PrefillMode.Auto, true)]
    [InlineData("ollama:m", OpenAIServer.Other, PrefillMode.Off, false)]
    [InlineData("openai:m", OpenAIServer.Other, PrefillMode.Auto, false)]
    [InlineData("openai:m", OpenAIServer.Other, PrefillMode.On, true)]
    [InlineData("openai:m", OpenAIServer.Vllm, PrefillMode.Auto, true)]
    [InlineData("openai:m", OpenAIServer.Vllm, PrefillMode.Off, false)]
    [InlineData("openai:m", OpenAIServer.LlamaCpp, PrefillMode.Auto, true)]
    public void ContinuesAssistant_FollowsModeAndServer(string spec, OpenAIServer server, PrefillMode mode, bool expected) =>
        Assert.Equal(expected, ChatBackends.ContinuesAssistant(ModelSpec.Parse(spec), new BackendOptions { Server = server, Prefill = mode }));

    [Fact]
    public void HttpBackend_OffersPrefillSupport_ExactlyWhenItContinues()
    {
        using var other = OpenAI(OpenAIServer.Other);
        using var vllm = OpenAI(OpenAIServer.Vllm);
        using var off = OpenAI(OpenAIServer.Vllm, PrefillMode.Off);
        Assert.Null(other.GetService<AssistantPrefillSupport>());
        Assert.NotNull(vllm.GetService<AssistantPrefillSupport>());
        Assert.Null(off.GetService<AssistantPrefillSupport>());
    }
}
