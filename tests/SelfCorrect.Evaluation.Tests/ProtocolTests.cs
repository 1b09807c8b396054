using Microsoft.Extensions.AI;
using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Jailbreak;
using SelfCorrect.Evaluation.Protocols;

namespace SelfCorrect.Evaluation.Tests;

/// <summary>The protocol presets (<see cref="EvaluationProtocol"/>) and the HarmBench judge spec.</summary>
public sealed class ProtocolTests
{
    /// <summary>Records the options of every call and answers "(c)."; continues assistant messages.</summary>
    private sealed class OptionsRecordingScriptedClient : IChatClient
    {
        public List<ChatOptions?> Options { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Options.Add(options?.Clone());
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, " (c).")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(AssistantPrefillSupport) ? AssistantPrefillSupport.Instance : null;

        public void Dispose() { }
    }

    [Theory]
    [InlineData("gguf:models/vicuna-7b-v1.5.Q4_K_M.gguf", ModelFamily.Vicuna)]
    [InlineData("openai:lmsys/vicuna-13b-v1.5", ModelFamily.Vicuna)]
    [InlineData("openai:meta-llama/Llama-2-7b-chat-hf", ModelFamily.Llama2)]
    [InlineData("ollama:llama2:7b-chat", ModelFamily.Llama2)]
    [InlineData("gguf:/models/llama2/mistral-7b.gguf", null)]
    [InlineData("openai:meta-llama/Meta-Llama-3-8B-Instruct", null)]
    public void DetectFamily_FromTheFileOrModelName(string spec, ModelFamily? expected) =>
        Assert.Equal(expected, EvaluationProtocol.DetectFamily(ModelSpec.Parse(spec)));

    [Fact]
    public void JailbreakReference_PerFamily_SystemPromptSamplingAndTokens_UnknownFamilyNamesTheOption()
    {
        var llama = EvaluationProtocol.Reference(ProtocolBenchmark.Jailbreak, ModelSpec.Parse("openai:meta-llama/Llama-2-7b-chat-hf"), null, 5);
        Assert.Equal((EvaluationProtocol.Llama2SystemPrompt, 64, 0.6f, 0.9f, 5L),
            (llama.SystemPrompt, llama.ChatOptions!.MaxOutputTokens, llama.ChatOptions.Temperature, llama.ChatOptions.TopP, llama.ChatOptions.Seed));
        var vicuna = EvaluationProtocol.Reference(ProtocolBenchmark.Jailbreak, ModelSpec.Parse("openai:m"), ModelFamily.Vicuna, 5);
        Assert.Equal((EvaluationProtocol.VicunaSystemPrompt, 64, 0f, (float?)null), (vicuna.SystemPrompt, vicuna.ChatOptions!.MaxOutputTokens, vicuna.ChatOptions.Temperature, vicuna.ChatOptions.TopP));
        Assert.Equal("option", vicuna.FamilySource);
        var other = EvaluationProtocol.Reference(ProtocolBenchmark.Jailbreak, ModelSpec.Parse("openai:m"), ModelFamily.Other, 5);
        Assert.Null(other.SystemPrompt);

        var unknown = Assert.Throws<InvalidSettingException>(() => EvaluationProtocol.Reference(ProtocolBenchmark.Jailbreak, ModelSpec.Parse("openai:mistral"), null, 0));
        Assert.Equal(EvaluationProtocol.FamilySetting, unknown.Setting);
        // BBQ's reference formats every model with the Vicuna template: no family needed.
        var bbq = EvaluationProtocol.Reference(ProtocolBenchmark.Bbq, ModelSpec.Parse("openai:mistral"), null, 0);
        Assert.Equal((EvaluationProtocol.VicunaSystemPrompt, 10, 0f, (ModelFamily?)null), (bbq.SystemPrompt, bbq.ChatOptions!.MaxOutputTokens, bbq.ChatOptions.Temperature, bbq.Family));
    }

    [Fact]
    public async Task ScriptedClient_BbqReference_ChainOfThought_Reasons256TokensAtTemperature1_Answers10Greedy()
    {
        var protocol = EvaluationProtocol.Reference(ProtocolBenchmark.Bbq, ModelSpec.Parse("openai:m"), null, 9);
        var client = new OptionsRecordingScriptedClient();
        var strategy = BbqRun.CreateStrategy("cot", new StrategySettings { Rounds = 1 }, protocol);
        var example = BbqDataset.Parse(new Data.JsonLine("x", 1, Data.JsonLines.Parse("x", 1, Fixtures.BbqRow("Age", 5, "neg", "ambig", 2).ToJsonString())));

        await BbqRun.EvaluateAsync(client.AsBuilder().UseStrategy(strategy).Build(), example, PromptPresets.Default, protocol.SystemPrompt, protocol.ChatOptions,
            CancellationToken.None);

        Assert.Equal([(256, 1f, 9L), (10, 0f, 9L)], client.Options.Select(o => (o!.MaxOutputTokens, o.Temperature, o.Seed)));
        var rank = Assert.Throws<InvalidSettingException>(() => BbqRun.CreateStrategy("rank", new StrategySettings { Rounds = 1 }, protocol));
        Assert.Equal(EvaluationProtocol.Setting, rank.Setting);
    }

    [Fact]
    public void JudgeSet_HarmBench_NeedsAnOpenAISpec_OnlyOnce_AndIsDescribedWithItsPrompt()
    {
        var judges = JudgeSet.Parse(["reference", "harmbench:openai:cais/HarmBench-Llama-2-13b-cls"]);
        Assert.Equal("openai:cais/HarmBench-Llama-2-13b-cls", judges.HarmBenchModelSpec);
        var described = judges.Describe(null).Single(j => (string?)j!["name"] == HarmBenchClassifier.Name)!;
        Assert.Equal((HarmBenchClassifier.Kind, HarmBenchClassifier.Prompt), ((string?)described["kind"], (string?)described["prompt"]));

        foreach (var bad in new[] { "harmbench:ollama:cls", "harmbench:cls", "harmbench:" })
            Assert.Equal(nameof(JailbreakRunRequest.Judges), Assert.Throws<InvalidSettingException>(() => JudgeSet.Parse([bad])).Setting);
        Assert.Throws<InvalidSettingException>(() => JudgeSet.Parse(["harmbench:openai:a", "harmbench:openai:b"]));
    }
}
