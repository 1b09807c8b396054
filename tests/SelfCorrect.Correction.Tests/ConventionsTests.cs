using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Correction.Tests;

/// <summary>The Microsoft.Extensions.AI conventions: DI registration, logger from the service provider, spans, log events, JSON trace.</summary>
public sealed class ConventionsTests
{
    private static List<ChatMessage> Question() => [new(ChatRole.System, "Be helpful."), new(ChatRole.User, "What is 2+2?")];

    [Fact]
    public async Task ServiceCollection_AddChatClientUseSelfCorrection_ResolvesRunsAndLogsThroughTheRegisteredFactory()
    {
        var inner = new ScriptedChatClient((index, _) => $"reply {index}");
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddChatClient(inner).UseSelfCorrection(configure: client => client.Options = client.Options with { Rounds = 2 });
        await using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        var response = await chat.GetResponseAsync(Question());

        Assert.NotNull(chat.GetService<SelfCorrectingChatClient>());
        Assert.Equal(5, inner.Calls.Count);
        Assert.Equal("reply 4", response.Text);
        Assert.Equal(5, response.GetSelfCorrectionTrace()!.Stages.Count);
        var events = logs.Entries.Where(entry => entry.Category == typeof(SelfCorrectingChatClient).FullName).ToList();
        Assert.Equal(5, events.Count(entry => entry.Message.Contains(" completed in ", StringComparison.Ordinal)));
        Assert.Contains(events, entry => entry.Message.StartsWith("cac: the critique of round 2 completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogEvents_CarryNoPromptOrAnswerText_UnlessSensitiveDataIsEnabled()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var inner = new ScriptedChatClient((index, _) => $"secret answer {index}");

        await inner.AsBuilder().UseSelfCorrection(factory).Build().GetResponseAsync(Question());
        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains("secret", StringComparison.Ordinal) || entry.Message.Contains("2+2", StringComparison.Ordinal));

        await inner.AsBuilder().UseSelfCorrection(factory, client => client.EnableSensitiveData = true).Build().GetResponseAsync(Question());
        var texts = logs.Entries.Where(entry => entry.Level == LogLevel.Trace).Select(entry => entry.Message).ToList();
        Assert.Equal(3, texts.Count);
        Assert.Contains("cac: the initial answer text: secret answer 3", texts);
    }

    [Fact]
    public async Task LogEvents_AFailedStage_IsAnErrorEventWithTheException()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var thrown = new InvalidOperationException("boom");
        var client = new ScriptedChatClient((_, _) => "x") { Failure = (1, thrown) }.AsBuilder().UseSelfCorrection(factory).Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Question()));

        var failed = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal(("cac: the critique of round 1 failed", thrown), (failed.Message, failed.Error));
    }

    [Fact]
    public async Task Spans_RunAndStages_NestOverOpenTelemetryChatSpans()
    {
        using var spans = new SpanRecorder();
        var inner = new ScriptedChatClient((index, _) => index == 1 ? "This is harmless." : $"reply {index}");
        var client = inner.AsBuilder()
            .UseSelfCorrection(configure: c => c.Options = c.Options with { VerdictParser = VerdictParsers.Keywords(["harmful"], ["harmless"]) })
            .UseOpenTelemetry(sourceName: spans.ChatSourceName)
            .Build();

        await client.GetResponseAsync(Question());

        var run = Assert.Single(spans.Completed, span => span.OperationName == "self_correct cac");
        var stages = spans.Completed.Where(span => span.Source.Name == CorrectionDiagnostics.ActivitySourceName && span != run).OrderBy(span => span.StartTimeUtc).ToList();
        Assert.Equal(["self_correct.stage initial", "self_correct.stage critique", "self_correct.stage final"], stages.Select(span => span.OperationName));
        Assert.All(stages, stage => Assert.Equal(run.SpanId, stage.ParentSpanId));
        Assert.Equal([("initial", 0), ("critique", 1), ("final", 1)],
            stages.Select(stage => ((string)stage.GetTagItem(CorrectionDiagnostics.StageTag)!, (int)stage.GetTagItem(CorrectionDiagnostics.RoundTag)!)));
        Assert.All(stages, stage => Assert.Equal("cac", stage.GetTagItem(CorrectionDiagnostics.StrategyTag)));
        Assert.Equal((20L, 2L), ((long?)stages[1].GetTagItem(CorrectionDiagnostics.InputTokensTag), (long?)stages[1].GetTagItem(CorrectionDiagnostics.OutputTokensTag)));
        Assert.Equal("no_problem", stages[1].GetTagItem(CorrectionDiagnostics.VerdictTag));
        Assert.Equal(10L + 20 + 30, (long?)run.GetTagItem(CorrectionDiagnostics.InputTokensTag));

        var chats = spans.Completed.Where(span => span.Source.Name == spans.ChatSourceName && span.OperationName != "test").OrderBy(span => span.StartTimeUtc).ToList();
        Assert.Equal(3, chats.Count);
        Assert.Equal(stages.Select(stage => stage.SpanId), chats.Select(chat => chat.ParentSpanId));
        Assert.All(stages.Append(run).Concat(chats), span => Assert.Equal(run.TraceId, span.TraceId));
    }

    [Fact]
    public async Task Spans_UnderAnOuterOpenTelemetryClient_TheRunIsTheChildOfItsChatSpan()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedChatClient((index, _) => $"reply {index}").AsBuilder()
            .UseOpenTelemetry(sourceName: spans.ChatSourceName)
            .UseSelfCorrection()
            .Build();

        await foreach (var _ in client.GetStreamingResponseAsync(Question())) { }

        var chat = Assert.Single(spans.Completed, span => span.Source.Name == spans.ChatSourceName);
        var run = Assert.Single(spans.Completed, span => span.OperationName == "self_correct cac");
        Assert.Equal(chat.SpanId, run.ParentSpanId);
        Assert.Equal(3, spans.Completed.Count(span => span.ParentSpanId == run.SpanId));
    }

    [Fact]
    public async Task Spans_AFailedStage_MarksStageAndRunAsErrors()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedChatClient((_, _) => "x") { Failure = (2, new HttpRequestException("down")) }.AsBuilder().UseSelfCorrection().Build();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Question()));

        var failed = spans.Completed.Where(span => span.Status == ActivityStatusCode.Error).Select(span => span.OperationName).ToList();
        Assert.Equal(["self_correct.stage final", "self_correct cac"], failed);
        Assert.All(spans.Completed.Where(span => span.Status == ActivityStatusCode.Error),
            span => Assert.Equal(typeof(HttpRequestException).FullName, span.GetTagItem(CorrectionDiagnostics.ErrorTypeTag)));
    }

    [Fact]
    public async Task Trace_SerialisesToTheDocumentedSchema_AndReadsBack()
    {
        var inner = new ScriptedChatClient((index, _) => index == 1 ? "It is harmful." : $"reply {index}");
        var response = await new SelfCorrectingChatClient(inner) { Options = new() { VerdictParser = VerdictParsers.Keywords(["harmful"], ["harmless"]) } }
            .GetResponseAsync(Question());
        var trace = response.GetSelfCorrectionTrace()!;

        var json = JsonSerializer.SerializeToNode(trace)!.AsObject();

        Assert.Equal(["strategy", "prefill_applied", "exited_early", "answer", "usage", "latency_ms", "stages"], json.Select(property => property.Key));
        Assert.Equal(("cac", "reply 2"), (json["strategy"]!.GetValue<string>(), json["answer"]!.GetValue<string>()));
        Assert.Equal(["input", "cached_input", "output", "total"], json["usage"]!.AsObject().Select(property => property.Key));
        var critique = json["stages"]![1]!.AsObject();
        Assert.Equal(["kind", "round", "text", "usage", "latency_ms", "verdict", "messages"], critique.Select(property => property.Key));
        Assert.Equal(("critique", 1, "problem"), (critique["kind"]!.GetValue<string>(), critique["round"]!.GetValue<int>(), critique["verdict"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["role"] = "user", ["text"] = PromptPresets.Default.JailbreakCheckPrompt }, critique["messages"]!.AsArray()[^1]));
        Assert.Equal(20, critique["usage"]!["input"]!.GetValue<long>());

        var read = JsonSerializer.Deserialize<SelfCorrectionTrace>(json.ToJsonString())!;
        Assert.Equal(json.ToJsonString(), JsonSerializer.Serialize(read));
        Assert.Equal(trace.Stages[1].Messages.Select(m => (m.Role, m.Text)), read.Stages[1].Messages.Select(m => (m.Role, m.Text)));
        Assert.Equal(trace.Stages[1].Latency, read.Stages[1].Latency);
    }

    [Fact]
    public async Task Trace_SurvivesTheResponseGoingThroughJson()
    {
        var response = await new SelfCorrectingChatClient(new ScriptedChatClient((index, _) => $"reply {index}")).GetResponseAsync(Question());

        string sent = JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions);
        var received = JsonSerializer.Deserialize<ChatResponse>(sent, AIJsonUtilities.DefaultOptions)!;

        var trace = received.GetSelfCorrectionTrace();
        Assert.NotNull(trace);
        Assert.Equal(["reply 0", "reply 1", "reply 2"], trace.Stages.Select(stage => stage.Text));
        Assert.Equal(JsonSerializer.Serialize(response.GetSelfCorrectionTrace()), JsonSerializer.Serialize(trace));
    }

    [Fact]
    public async Task BuilderExtensions_EveryDefenceHasOne_WithThePresetsAsDefaults_InnermostPreambleNextToTheSystemPrompt()
    {
        var inner = new ScriptedChatClient((_, _) => "ok");
        var presets = PromptPresets.Default;

        await inner.AsBuilder().UseSelfReminder().UseInContextDefense().UseHistoryBackup().Build().GetResponseAsync([new ChatMessage(ChatRole.User, "Do X.")]);

        var sent = inner.Calls.Single().Messages.Select(message => message.Text).ToList();
        Assert.Equal(
            [presets.SelfReminderSuffix.TrimStart(), presets.HistoryBackupDialogues[0].Request, presets.HistoryBackupDialogues[0].Response,
             presets.HistoryBackupDialogues[0].Check, presets.HistoryBackupDialogues[0].Critique, presets.RefusalDemonstrations[0].Request,
             presets.RefusalDemonstrations[0].Refusal, "Do X."],
            sent);
    }

    /// <summary>
    /// Records the spans of one test: it starts a root span from a source of its own (whose name the test's
    /// OpenTelemetryChatClient uses too) and keeps the finished spans of that trace, so tests running in parallel do not mix.
    /// </summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ActivitySource _source;
        private readonly Activity _root;
        private readonly List<Activity> _completed = [];

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == CorrectionDiagnostics.ActivitySourceName || source.Name == ChatSourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    lock (_completed) _completed.Add(activity);
                },
            };
            ActivitySource.AddActivityListener(_listener);
            _source = new ActivitySource(ChatSourceName);
            _root = _source.StartActivity("test")!;
        }

        /// <summary>The source of the root span and of the test's chat spans.</summary>
        public string ChatSourceName { get; } = $"test.chat.{Guid.NewGuid():N}";

        /// <summary>The finished spans of the test's trace, the root excluded.</summary>
        public IReadOnlyList<Activity> Completed
        {
            get
            {
                lock (_completed) return [.. _completed.Where(span => span.TraceId == _root.TraceId && span != _root)];
            }
        }

        public void Dispose()
        {
            _root.Dispose();
            _listener.Dispose();
            _source.Dispose();
        }
    }
}
