using Microsoft.Extensions.AI;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Correction.Tests;

/// <summary>The ollama: backend against a real server on loopback speaking Ollama's /api/chat.</summary>
public sealed class OllamaBackendTests : IAsyncLifetime
{
    private LoopbackChatServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IChatClient Create(int maxRetries = 2) => ChatBackends.Create(ModelSpec.Parse("ollama:llama3.2"),
        new BackendOptions { Endpoint = _server.RootUri, MaxRetries = maxRetries, RetryDelay = TimeSpan.FromMilliseconds(10) });

    [Fact]
    public async Task Request_AndStreaming_ReadTheAnswer()
    {
        _server.Script(new Answer("hello from ollama"), new Answer("streamed words here"));
        using var client = Create();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")])) updates.Add(update);

        Assert.Equal("hello from ollama", response.Text);
        Assert.Equal("streamed words here", updates.ToChatResponse().Text);
        Assert.True(updates.Count(update => update.Text.Length > 0) >= 3);
        Assert.All(_server.Requests, request => Assert.Equal("llama3.2", request.Body["model"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ServerError_IsRetried_ThenAnswered_AndNotFoundIsReportedOnce()
    {
        _server.Script(new Status(500), new Answer("after retry"));
        using var client = Create(maxRetries: 1);
        Assert.Equal("after retry", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")])).Text);
        Assert.Equal(2, _server.Requests.Count);

        _server.Script(new Status(404));
        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));
        Assert.Single(_server.Requests);
        Assert.StartsWith($"ollama:llama3.2 at {_server.RootUri}", error.Message);
    }
}
