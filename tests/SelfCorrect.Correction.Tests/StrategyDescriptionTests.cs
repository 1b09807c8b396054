using System.Text.Json.Nodes;

namespace SelfCorrect.Correction.Tests;

public sealed class StrategyDescriptionTests
{
    private static readonly PromptPresets Presets = PromptPresets.Default;

    private static JsonObject Describe(string name, StrategySettings? settings = null) =>
        CorrectionStrategies.Create(name, settings ?? new StrategySettings()).Describe();

    [Fact]
    public void EveryRegisteredStrategy_IsNamedAsRegistered_AndDescriptionStartsWithTheName()
    {
        foreach (string name in CorrectionStrategies.Names)
        {
            var strategy = CorrectionStrategies.Create(name, new StrategySettings());
            Assert.Equal(name, strategy.Name);
            Assert.Equal(("name", name), (strategy.Describe().First().Key, strategy.Describe()["name"]!.GetValue<string>()));
        }
    }

    [Fact]
    public void NoDefense_DescribesOnlyItsName_OrItsAnswerPrefill()
    {
        Assert.Equal("""{"name":"none"}""", Describe("none").ToJsonString());
        Assert.Equal("""{"name":"none","answer_prefill":"The answer is"}""", new NoDefense("The answer is").Describe().ToJsonString());
    }

    [Fact]
    public void SelfReminder_DescribesItsSuffix()
    {
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["name"] = "reminder", ["system_prompt_suffix"] = Presets.SelfReminderSuffix }, Describe("reminder")));
    }

    [Fact]
    public void InContextDefense_DescribesTheDemonstrationsItPrepends()
    {
        var description = Describe("icd", new StrategySettings { Demonstrations = 2 });

        var demonstrations = description["demonstrations"]!.AsArray();
        Assert.Equal(2, demonstrations.Count);
        Assert.Equal((Presets.RefusalDemonstrations[1].Request, Presets.RefusalDemonstrations[1].Refusal),
            (demonstrations[1]!["request"]!.GetValue<string>(), demonstrations[1]!["refusal"]!.GetValue<string>()));
    }

    [Fact]
    public void HistoryBackup_DescribesTheDialoguesItPrepends()
    {
        var dialogue = Presets.HistoryBackupDialogues[0];
        var expected = new JsonObject
        {
            ["name"] = "backup",
            ["dialogues"] = new JsonArray(new JsonObject
            {
                ["request"] = dialogue.Request, ["response"] = dialogue.Response, ["check"] = dialogue.Check, ["critique"] = dialogue.Critique,
            }),
        };
        Assert.Equal(expected.ToJsonString(), Describe("backup").ToJsonString());
    }

    [Fact]
    public void CheckingAsContext_Jailbreak_DescribesRoundsCheckAndTheRepeatedQuestion()
    {
        var expected = new JsonObject
        {
            ["name"] = "cac", ["rounds"] = 3, ["check_prompt"] = Presets.JailbreakCheckPrompt, ["re_ask"] = "repeat the last user message",
        };
        Assert.Equal(expected.ToJsonString(), Describe("cac", new StrategySettings { Rounds = 3 }).ToJsonString());
    }

    [Fact]
    public void CheckingAsContext_Bbq_DescribesPrefillCheckAndReAskTemplate()
    {
        var expected = new JsonObject
        {
            ["name"] = "cac", ["rounds"] = 1, ["answer_prefill"] = Presets.BbqAnswerPrefill, ["check_prompt"] = "Check!",
            ["re_ask_template"] = Presets.BbqReAskTemplate,
        };
        var description = Describe("cac", new StrategySettings { Protocol = CorrectionProtocol.Bbq, CheckPrompt = "Check!" });
        Assert.Equal(expected.ToJsonString(), description.ToJsonString());
    }

    [Fact]
    public void InContextRanking_DescribesCandidatesOrderScoringPromptAndReAsk()
    {
        var expected = new JsonObject
        {
            ["name"] = "rank", ["candidates"] = 4, ["temperature"] = 0.8f, ["order"] = "best_first", ["answer_prefill"] = Presets.BbqAnswerPrefill,
            ["scoring_prompt"] = Presets.BbqScoringPrompt, ["re_ask_template"] = Presets.BbqReAskTemplate,
        };
        var description = Describe("rank", new StrategySettings { Protocol = CorrectionProtocol.Bbq, Candidates = 4, RankOrder = RankOrder.BestFirst });
        Assert.Equal(expected.ToJsonString(), description.ToJsonString());
    }
}
