using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Tests;

public sealed class StrategyAndJailbreakRunTests
{
    /// <summary>
    /// Records every request's messages and answers from a script; optionally continues assistant messages. Calls
    /// report the finish reasons of <see cref="FinishReasons"/> in turn (none when it is empty).
    /// </summary>
    private sealed class ScriptedClient(bool continuesAssistantMessages, params string[] replies) : IChatClient
    {
        private int next;
        public List<List<ChatMessage>> Requests { get; } = [];
        public ChatFinishReason[] FinishReasons { get; init; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Requests.Add([.. messages]);
            int call = next++;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, replies[call]))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 },
                FinishReason = FinishReasons.Length == 0 ? null : FinishReasons[call],
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            continuesAssistantMessages && serviceType == typeof(AssistantPrefillSupport) ? AssistantPrefillSupport.Instance : null;

        public void Dispose() { }
    }

    private static BbqExample Example() => BbqDataset.Parse(new Data.JsonLine("x", 1, Data.JsonLines.Parse("x", 1, Fixtures.BbqRow("Age", 5, "neg", "ambig", 2).ToJsonString())));

    [Fact]
    public async Task ScriptedClient_ChainOfThought_WithPrefill_ReasonsThenAnswersFromThePrefill()
    {
        var client = new ScriptedClient(true, " the context does not say.", " (c).");
        var strategy = BbqRun.CreateStrategy("cot", new StrategySettings());

        var record = await BbqRun.EvaluateAsync(client.AsBuilder().UseStrategy(strategy).Build(), Example(), PromptPresets.Default, null, null, CancellationToken.None);

        Assert.Equal(PromptPresets.Default.BbqChainOfThoughtPrefix + " the context does not say.", record.Reasoning);
        Assert.Equal("The single, most likely answer choice is (c).", record.Initial);
        Assert.Equal(2, BbqGrader.Grade(Example(), record.Initial!, BbqGrading.Reference));
        Assert.Equal([ChatRole.User, ChatRole.Assistant], client.Requests[0].Select(m => m.Role));
        Assert.Equal(PromptPresets.Default.BbqChainOfThoughtPrefix, client.Requests[0][1].Text);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant], client.Requests[1].Select(m => m.Role));
        Assert.Equal(PromptPresets.Default.BbqChainOfThoughtFollowUp, client.Requests[1][2].Text);
        Assert.Equal(["reasoning", "initial"], record.Stages!.Select(s => s.Stage));
    }

    [Fact]
    public async Task ScriptedClient_ChainOfThought_WithoutPrefill_PutsThePrefixInTheQuestionTurn()
    {
        var client = new ScriptedClient(false, "Thinking.", "(c) Can't be determined.");
        var record = await BbqRun.EvaluateAsync(client.AsBuilder().UseStrategy(BbqRun.CreateStrategy("cot", new StrategySettings())).Build(), Example(),
            PromptPresets.Default, null, null, CancellationToken.None);

        Assert.EndsWith("\n\n" + PromptPresets.Default.BbqChainOfThoughtPrefix, client.Requests[0].Single().Text);
        Assert.Equal("(c) Can't be determined.", record.Initial);
        Assert.Equal("Thinking.", record.Reasoning);
    }

    [Fact]
    public async Task ScriptedClient_Instruction_FollowsTheQuestionTurn_AndTheAnswerUsesThePrefill()
    {
        var client = new ScriptedClient(true, " (a).");
        var record = await BbqRun.EvaluateAsync(client.AsBuilder().UseStrategy(BbqRun.CreateStrategy("instruction", new StrategySettings { Rounds = 1 })).Build(), Example(),
            PromptPresets.Default, "Be brief.", null, CancellationToken.None);

        var sent = client.Requests.Single();
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant], sent.Select(m => m.Role));
        Assert.Equal(BbqRun.QuestionTurn(Example(), PromptPresets.Default) + "\n\n" + PromptPresets.Default.BbqDebiasInstruction, sent[1].Text);
        Assert.Equal("The answer is (a).", record.Initial);
        var roundsOfInstruction = Assert.Throws<InvalidSettingException>(() => BbqRun.CreateStrategy("instruction", new StrategySettings { Rounds = 3 }));
        var noRounds = Assert.Throws<InvalidSettingException>(() => BbqRun.CreateStrategy("cac", new StrategySettings { Rounds = 0 }));
        Assert.Equal(("Rounds", "only the cac strategy has rounds (got 3 with {Strategy} instruction)"), (roundsOfInstruction.Setting, roundsOfInstruction.Problem));
        Assert.Equal(("Rounds", "cac needs at least 1 round (got 0)"), (noRounds.Setting, noRounds.Problem));
    }

    [Fact]
    public async Task ScriptedClient_None_AnswersFromThePrefill_InOneCall()
    {
        var client = new ScriptedClient(true, " (c).");
        var record = await BbqRun.EvaluateAsync(client.AsBuilder().UseStrategy(BbqRun.CreateStrategy("none", new StrategySettings { Rounds = 1 })).Build(),
            Example(), PromptPresets.Default, null, null, CancellationToken.None);

        var sent = client.Requests.Single();
        Assert.Equal([(ChatRole.User, BbqRun.QuestionTurn(Example(), PromptPresets.Default)), (ChatRole.Assistant, "The answer is")],
            sent.Select(m => (m.Role, m.Text)));
        Assert.Equal("The answer is (c).", record.Initial);
        Assert.Equal([("initial", 0, 10L, 2L)], record.Stages!.Select(s => (s.Stage, s.Round, s.InputTokens!.Value, s.OutputTokens!.Value)));
        Assert.Null(record.Critique);
    }

    [Fact]
    public void BbqStrategies_DescribeThemselves_WithTheQuestionTurnAfterTheName()
    {
        var presets = PromptPresets.Default;
        string Describe(string name, int rounds = 1) =>
            BbqRun.DescribeStrategy(BbqRun.CreateStrategy(name, new StrategySettings { Rounds = rounds, Presets = presets }), presets, null).ToJsonString();
        JsonObject Head(string name) => new() { ["name"] = name, ["presets_file"] = null, ["question_template"] = presets.BbqQuestionTemplate };

        var none = Head("none");
        none["answer_prefill"] = presets.BbqAnswerPrefill;
        var cac = Head("cac");
        cac["rounds"] = 2;
        cac["answer_prefill"] = presets.BbqAnswerPrefill;
        cac["check_prompt"] = presets.BbqCheckPrompt;
        cac["re_ask_template"] = presets.BbqReAskTemplate;
        var instruction = Head("instruction");
        instruction["answer_prefill"] = presets.BbqAnswerPrefill;
        instruction["instruction"] = presets.BbqDebiasInstruction;
        var cot = Head("cot");
        cot["reasoning_prefix"] = presets.BbqChainOfThoughtPrefix;
        cot["follow_up"] = presets.BbqChainOfThoughtFollowUp;
        cot["answer_prefill"] = presets.BbqChainOfThoughtPrefill;

        Assert.Equal(none.ToJsonString(), Describe("none"));
        Assert.Equal(cac.ToJsonString(), Describe("cac", rounds: 2));
        Assert.Equal(instruction.ToJsonString(), Describe("instruction"));
        Assert.Equal(cot.ToJsonString(), Describe("cot"));
        Assert.Equal(["none", "cac", "instruction", "cot", "rank"], BbqStrategies.Names);
    }

    [Fact]
    public async Task FinishReasons_KeptPerStage_WhereTheResponseTellsThem()
    {
        var stop = ChatFinishReason.Stop;
        var length = ChatFinishReason.Length;
        var plain = new ScriptedClient(true, " (c).") { FinishReasons = [stop] };
        var none = await BbqRun.EvaluateAsync(plain.AsBuilder().UseStrategy(BbqRun.CreateStrategy("none", new StrategySettings { Rounds = 1 })).Build(),
            Example(), PromptPresets.Default, null, null, CancellationToken.None);
        Assert.Equal(["stop"], none.Stages!.Select(s => s.FinishReason));

        var chain = new ScriptedClient(true, " thinking", " (c).") { FinishReasons = [length, stop] };
        var cot = await BbqRun.EvaluateAsync(chain.AsBuilder().UseStrategy(BbqRun.CreateStrategy("cot", new StrategySettings())).Build(),
            Example(), PromptPresets.Default, null, null, CancellationToken.None);
        Assert.Equal([("reasoning", "length"), ("initial", "stop")], cot.Stages!.Select(s => (s.Stage, s.FinishReason)));

        // Checking-as-Context: its trace keeps each stage's finish reason.
        var checking = new ScriptedClient(true, " (a).", "Biased.", " (c).") { FinishReasons = [length, stop, stop] };
        var cac = await BbqRun.EvaluateAsync(checking.AsBuilder().UseStrategy(BbqRun.CreateStrategy("cac", new StrategySettings { Rounds = 1 })).Build(),
            Example(), PromptPresets.Default, null, null, CancellationToken.None);
        Assert.Equal([("initial", "length"), ("critique", "stop"), ("final", "stop")], cac.Stages!.Select(s => (s.Stage, s.FinishReason)));
        Assert.Equal([("initial", "length"), ("final_1", "stop")], cac.Answers().Select(a => (a.Stage, a.FinishReason)));

        var line = cac.ToJsonLine();
        Assert.Contains("\"finish_reason\":\"length\"", line);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(line, "finish_reason").Count);
    }

    private sealed class SilentProgress : IRunProgress
    {
        public void Started(string what, int pending, int alreadyDone) { }
        public void Completed(bool succeeded) { }
        public void Failed(string key, Exception error) { }
    }

    [Fact]
    public async Task LoopbackServer_JailbreakRun_DefencesComparedAndLlmJudgeResumes()
    {
        string directory = Fixtures.TemporaryDirectory();
        string csv = Fixtures.WriteAdvBench(directory, 6);
        // The model complies with the plain prompt, refuses the suffixed one, and calls its answer harmful when checked;
        // the judge says yes to compliance.
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.FromMilliseconds(5), (message, _) =>
            message.Contains("Generation:", StringComparison.Ordinal)
                ? new LoopbackChatServer.Answer(message.Contains("Sure, here", StringComparison.Ordinal) ? "Yes" : "No")
                : message.Contains("harmful or harmless", StringComparison.Ordinal) ? new LoopbackChatServer.Answer("That was harmful.")
                : message.EndsWith(" zz", StringComparison.Ordinal) ? new LoopbackChatServer.Answer("I cannot help with that.")
                : new LoopbackChatServer.Answer("Sure, here is how."));
        Environment.SetEnvironmentVariable("SELFCORRECT_EVAL_TEST_KEY", "test");
        using var backend = ChatBackends.Create(new ModelSpec(BackendKind.OpenAI, "m"),
            new BackendOptions { Endpoint = server.BaseUri, ApiKeyEnvironmentVariable = "SELFCORRECT_EVAL_TEST_KEY" });
        var request = new JailbreakRunRequest
        {
            DataPath = csv,
            Limit = 4,
            Attacks = ["none", "suffix"],
            Suffix = "zz",
            Model = new DefendedModel { Description = new JsonObject { ["spec"] = "openai:m" }, Defenses = ["none", "cac"], Rounds = 2 },
            // Every loopback answer ends with finish reason "stop": the strings alone, to compare the defences.
            Judges = JudgeSet.Parse(["reference", "llm:openai:m"], EndOfSequenceRule.Off),
            Runner = new RunnerOptions { Concurrency = 8 },
            OutDirectory = Path.Combine(directory, "run"),
        };

        var result = await JailbreakRun.RunAsync(request, backend, backend, new SilentProgress(), CancellationToken.None);

        // 2 defences × 4 rows × 2 attacks; texts judged: none 8 × 1 stage + cac 8 × 3 stages.
        Assert.Equal((16, 16), (result.Planned, result.Generation.Completed));
        Assert.Equal(32, result.Judging!.Completed);
        var cac = ResponsesFile.ReadAll(Path.Combine(request.OutDirectory, "responses-cac.jsonl"), SampleKeyFormat.Jailbreak);
        Assert.Equal(8, cac.Count);
        Assert.All(cac, r => Assert.Equal(2, r.Value.FinalRounds.Count));
        Assert.Equal("I cannot help with that.", cac.Single(r => r.Key == "0/suffix").Value.Initial);
        Assert.Equal("Sure, here is how.", cac.Single(r => r.Key == "0/none").Value.Initial);
        var initial = result.Metrics.Asr.Where(a => a is { Defense: "none", Stage: "initial", Judge: "refusal-reference" }).ToDictionary(a => a.Attack, a => a.Asr.Value);
        Assert.Equal((1.0, 0.0), (initial["none"], initial["suffix"]));
        var llmRows = result.Metrics.Asr.Where(a => a.Judge == "llm").ToList();
        Assert.NotEmpty(llmRows);
        Assert.All(llmRows, a => Assert.Equal(a.Jailbroken, result.Metrics.Asr.Single(b => b.Judge == "refusal-reference" && (b.Defense, b.Attack, b.Stage) == (a.Defense, a.Attack, a.Stage)).Jailbroken));
        Assert.NotEmpty(result.Metrics.Agreement);
        Assert.All(result.Metrics.Agreement, a => Assert.Equal(1.0, a.Rate));
        Assert.Equal(["none", "suffix"], result.Metrics.Asr.Select(a => a.Attack).Distinct().Order());

        int requestsBefore = server.Requests.Count;
        var again = await JailbreakRun.RunAsync(request with { Runner = new RunnerOptions { Concurrency = 2 } }, backend, backend, new SilentProgress(), CancellationToken.None);
        Assert.Equal((16, 0, 0), (again.AlreadyDone, again.Generation.Completed, again.Judging!.Completed));
        Assert.Equal(requestsBefore, server.Requests.Count);
        Assert.Equal(32, File.ReadAllLines(Path.Combine(request.OutDirectory, LlmJudging.JudgementsFileName)).Length);
    }
}
