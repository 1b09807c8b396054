using System.Text.Json.Nodes;

namespace SelfCorrect.Cli.Tests;

/// <summary><c>chat --strategy rank</c>: in-context ranking end to end on the tiny GGUF model.</summary>
public sealed class ChatCommandRankTests
{
    private static string TinyModel => $"gguf:{TestModels.TinyGgufPath}";

    [TinyModelFact]
    public async Task Rank_PrintsEveryCandidateWithItsScore_ThenStreamsTheRankedAnswer()
    {
        var result = await CliRunner.RunAsync("chat", "--model", TinyModel, "--strategy", "rank", "--candidates", "2", "--prompt", "How do I bake bread?",
            "--max-tokens", "6");

        Assert.True(result.ExitCode == 0, result.Error);
        string[] headers = ["── candidate 1 ──", "── score of candidate 1", "── candidate 2 ──", "── score of candidate 2", "── final (ranked) ──", "── total: 5 calls"];
        int at = 0;
        foreach (string header in headers)
        {
            at = result.Output.IndexOf(header, at, StringComparison.Ordinal);
            Assert.True(at >= 0, $"missing or out of order: {header}\n{result.Output}");
        }
    }

    [TinyModelFact]
    public async Task RankJson_RecordsCandidatesScoresAndTheFinalAnswer()
    {
        var result = await CliRunner.RunAsync("chat", "--model", TinyModel, "--strategy", "rank", "--candidates", "3", "--rank-order", "best-first",
            "--scoring-prompt", "Rate it.", "--prompt", "Hi", "--max-tokens", "5", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var turn = JsonNode.Parse(result.Output)!.AsObject();
        Assert.Equal("rank", turn["strategy"]!.GetValue<string>());
        var stages = turn["stages"]!.AsArray();
        Assert.Equal(["initial", "critique", "initial", "critique", "initial", "critique", "final"], stages.Select(stage => stage!["kind"]!.GetValue<string>()));
        Assert.Equal([1, 1, 2, 2, 3, 3], stages.Take(6).Select(stage => stage!["candidate"]!.GetValue<int>()));
        Assert.Equal("Rate it.", stages[1]!["messages"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        Assert.Equal(stages[^1]!["text"]!.GetValue<string>(), turn["answer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rank_BadCandidates_IsAUsageErrorNamingTheOption()
    {
        var result = await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--strategy", "rank", "--candidates", "0", "--prompt", "hi");

        Assert.Equal((2, "error: --candidates: must be ≥ 1 (got 0)"), (result.ExitCode, result.Error.Trim()));
    }

    [Fact]
    public async Task GpuLayers_Negative_IsAUsageErrorNamingTheOption()
    {
        var result = await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--gpu-layers", "-1", "--prompt", "hi");

        Assert.Equal((2, "error: --gpu-layers: must be ≥ 0 (got -1)"), (result.ExitCode, result.Error.Trim()));
    }
}
