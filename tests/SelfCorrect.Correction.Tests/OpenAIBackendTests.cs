using System.Diagnostics;
using Microsoft.Extensions.AI;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Correction.Tests;

/// <summary>The openai: backend against a real chat-completions server on loopback, with injected failures.</summary>
public sealed class OpenAIBackendTests : IAsyncLifetime
{
    private const string KeyVariable = "SELFCORRECT_TEST_OPENAI_KEY";
    private LoopbackChatServer _server = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, "test-key-123");
        _server = await StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IChatClient Create(int maxRetries = 2, double timeoutSeconds = 10) =>
        ChatBackends.Create(ModelSpec.Parse("openai:test-model"), new BackendOptions
        {
            Endpoint = _server.BaseUri,
            ApiKeyEnvironmentVariable = KeyVariable,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        });

    private static List<ChatMessage> Question() => [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello?")];

    [Fact]
    public async Task Request_SendsModelMessagesAndKey_AndReadsTextAndUsage()
    {
        _server.Script(new Answer("Hi there"));
        using var client = Create();

        var response = await client.GetResponseAsync(Question(), new ChatOptions { Temperature = 0f, MaxOutputTokens = 20 });

        Assert.Equal("Hi there", response.Text);
        Assert.Equal((11L, 3L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value));
        var request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer test-key-123", request.Authorization);
        Assert.Equal("test-model", request.Body["model"]!.GetValue<string>());
        Assert.Equal(["system", "user"], request.Body["messages"]!.AsArray().Select(message => message!["role"]!.GetValue<string>()));
        Assert.Equal(0.0, request.Body["temperature"]!.GetValue<double>());
    }

    [Fact]
    public async Task Streaming_ReadsServerSentEventsInOrder()
    {
        _server.Script(new Answer("one two three"));
        using var client = Create();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question())) updates.Add(update);

        Assert.True(Assert.Single(_server.Requests).Streamed);
        Assert.Equal(["one", " two", " three"], updates.Where(update => update.Text.Length > 0).Select(update => update.Text));
        Assert.Equal("one two three", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task Streaming_AfterServerError_IsRetried()
    {
        _server.Script(new Status(502), new Answer("streamed after retry"));
        using var client = Create(maxRetries: 1);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question())) updates.Add(update);

        Assert.Equal([true, true], _server.Requests.Select(request => request.Streamed));
        Assert.Equal("streamed after retry", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task TooManyRequestsAndServerError_AreRetried_ThenTheAnswerArrives()
    {
        _server.Script(new Status(429), new Status(500), new Answer("finally"));
        using var client = Create(maxRetries: 3);

        var response = await client.GetResponseAsync(Question());

        Assert.Equal("finally", response.Text);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task BadRequest_IsNotRetried_AndNamesBackendAndStatus()
    {
        _server.Script(new Status(400));
        using var client = Create(maxRetries: 3);

        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync(Question()));

        Assert.Single(_server.Requests);
        Assert.Contains("HTTP 400", error.Message);
        Assert.StartsWith($"openai:test-model at {_server.BaseUri}", error.Message);
        Assert.Equal("the request", error.Stage);
    }

    [Fact]
    public async Task PersistentServerError_IsReportedAfterTheRetries()
    {
        _server.Script(new Status(503), new Status(503), new Status(503));
        using var client = Create(maxRetries: 2);

        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync(Question()));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Contains("HTTP 503", error.Message);
    }

    [Fact]
    public async Task Timeouts_AreRetried_ThenReportedAsTimeout()
    {
        _server.Script(new Hang(), new Hang());
        using var client = Create(maxRetries: 1, timeoutSeconds: 0.3);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync(Question()));

        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("no response within 0.3 s after 2 attempts", error.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 10);
    }

    [Fact]
    public async Task TimeoutThenAnswer_Succeeds()
    {
        _server.Script(new Hang(), new Answer("late but fine"));
        using var client = Create(maxRetries: 1, timeoutSeconds: 0.3);

        Assert.Equal("late but fine", (await client.GetResponseAsync(Question())).Text);
    }

    [Fact]
    public async Task CacThroughHttp_NamesTheFailingStage_AndStreamsTheFinalAnswer()
    {
        using var backend = Create(maxRetries: 0);
        var client = new SelfCorrectingChatClient(backend) { Options = new SelfCorrectionOptions() };

        _server.Script(new Answer("first"), new Answer("it is harmless"), new Answer("second answer"));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question())) updates.Add(update);
        Assert.Equal([false, false, true], _server.Requests.Select(request => request.Streamed));
        Assert.Equal("second answer", updates.ToChatResponse().Text);
        Assert.Equal(3, updates[^1].GetSelfCorrectionTrace()!.Stages.Count);

        _server.Script(new Answer("first"), new Status(401));
        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync(Question()));
        Assert.Equal("the critique of round 1", error.Stage);
        Assert.Contains("HTTP 401", error.Message);
    }

    [Fact]
    public void MissingApiKeyVariable_IsConfigurationErrorNamingTheVariable()
    {
        var error = Assert.Throws<ChatBackendException>(() => ChatBackends.Create(ModelSpec.Parse("openai:m"),
            new BackendOptions { Endpoint = _server.BaseUri, ApiKeyEnvironmentVariable = "SELFCORRECT_TEST_UNSET_VARIABLE" }));
        Assert.Equal("configuration", error.Stage);
        Assert.Contains("SELFCORRECT_TEST_UNSET_VARIABLE", error.Message);
    }

    [Fact]
    public async Task UnreachableEndpoint_IsBackendErrorSayingSo()
    {
        int closedPort = Loopback.ClosedPort();
        using var client = ChatBackends.Create(ModelSpec.Parse("openai:m"), new BackendOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{closedPort}/v1"),
            ApiKeyEnvironmentVariable = KeyVariable,
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });

        var error = await Assert.ThrowsAsync<ChatBackendException>(() => client.GetResponseAsync(Question()));

        Assert.Contains($"cannot reach http://127.0.0.1:{closedPort}/v1", error.Message);
        Assert.Contains("after 2 attempts", error.Message);
    }
}
