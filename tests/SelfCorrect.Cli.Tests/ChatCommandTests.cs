using System.Text.Json.Nodes;

namespace SelfCorrect.Cli.Tests;

public sealed class ChatCommandTests
{
    private static string TinyModel => $"gguf:{TestModels.TinyGgufPath}";

    private static void AssertUsageError(CliRunner.Result result, params string[] expected)
    {
        Assert.Equal(CliApp.UsageErrorExitCode, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        foreach (string part in expected) Assert.Contains(part, line);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task UnknownStrategy_ExitsWithUsageError()
    {
        AssertUsageError(await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--strategy", "cacc", "--prompt", "hi"), "--strategy", "'cacc'");
    }

    [Fact]
    public async Task NegativeRounds_ExitsWithUsageError()
    {
        AssertUsageError(await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--rounds", "-1", "--prompt", "hi"), "--rounds", "-1");
    }

    [Fact]
    public async Task LibrarySettingErrors_NameTheOptionsTheUserWrote()
    {
        Assert.Equal("error: --endpoint: 'localhost:8000' is not an absolute http(s) URL",
            (await CliRunner.RunAsync("chat", "--model", "openai:m", "--endpoint", "localhost:8000", "--prompt", "hi")).Error.Trim());
        Assert.Equal("error: --context-size: must be ≥ 16 (got 8)",
            (await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--context-size", "8", "--prompt", "hi")).Error.Trim());
        Assert.Equal("error: --demonstrations: must be between 1 and 3, the refusal demonstrations in the presets (got 5)",
            (await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--strategy", "icd", "--demonstrations", "5", "--prompt", "hi")).Error.Trim());
        AssertUsageError(await CliRunner.RunAsync("chat", "--model", "openai:m", "--prompt", "hi"), "--endpoint: is required for openai: models");
    }

    [Fact]
    public async Task MissingModelFile_ExitsWithUsageError()
    {
        AssertUsageError(await CliRunner.RunAsync("chat", "--model", "gguf:/nonexistent/model.gguf", "--prompt", "hi"),
            "gguf:/nonexistent/model.gguf", "model file not found");
    }

    [Fact]
    public async Task MalformedModelSpec_ExitsWithUsageError()
    {
        AssertUsageError(await CliRunner.RunAsync("chat", "--model", "model.gguf", "--prompt", "hi"), "--model", "model.gguf");
    }

    [Fact]
    public async Task MissingApiKeyVariable_ExitsWithUsageError()
    {
        AssertUsageError(await CliRunner.RunAsync("chat", "--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1",
            "--api-key-env", "SELFCORRECT_CLI_TEST_UNSET_KEY", "--prompt", "hi"), "SELFCORRECT_CLI_TEST_UNSET_KEY", "not set");
    }

    [Fact]
    public async Task UnreachableEndpoint_ExitsWithUsageError()
    {
        int closedPort = Loopback.ClosedPort();
        Environment.SetEnvironmentVariable("SELFCORRECT_CLI_TEST_KEY", "k");

        var result = await CliRunner.RunAsync("chat", "--model", "openai:m", "--endpoint", $"http://127.0.0.1:{closedPort}/v1",
            "--api-key-env", "SELFCORRECT_CLI_TEST_KEY", "--max-retries", "0", "--prompt", "hi", "--json");

        AssertUsageError(result, $"cannot reach http://127.0.0.1:{closedPort}/v1", "the initial answer");
    }

    [Fact]
    public async Task PresetFileWithUnknownKey_ExitsWithUsageErrorNamingFileAndKey()
    {
        string path = Path.Combine(CliRunner.TemporaryDirectory() + ".yaml");
        await File.WriteAllTextAsync(path, "jailbreak_check_promt: typo\n");
        try
        {
            AssertUsageError(await CliRunner.RunAsync("chat", "--model", "gguf:x.gguf", "--presets", path, "--prompt", "hi"),
                $"{path}:1: jailbreak_check_promt: unknown key");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TinyModelFact]
    public async Task OneShot_PrintsEveryStageWithTokensAndLatency()
    {
        var result = await CliRunner.RunAsync("chat", "--model", TinyModel, "--prompt", "How do I bake bread?", "--max-tokens", "8");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        string[] headers = ["── initial ──", "── critique (round 1) ──", "── final (round 1) ──", "── total: 3 calls"];
        int at = 0;
        foreach (string header in headers)
        {
            at = result.Output.IndexOf(header, at, StringComparison.Ordinal);
            Assert.True(at >= 0, $"missing or out of order: {header}\n{result.Output}");
        }
        Assert.Equal(3, result.Output.Split('\n').Count(line => line.StartsWith("   [", StringComparison.Ordinal) && line.Contains(" ms, ") && line.Contains("prompt tokens")));
        Assert.Contains("from cache", result.Output);
    }

    [TinyModelFact]
    public async Task Json_PrintsTheTraceWithEveryStage()
    {
        var result = await CliRunner.RunAsync("chat", "--model", TinyModel, "--rounds", "2", "--prompt", "Hi", "--max-tokens", "6", "--json");

        Assert.Equal(0, result.ExitCode);
        var turn = JsonNode.Parse(result.Output)!.AsObject();
        Assert.Equal("cac", turn["strategy"]!.GetValue<string>());
        var stages = turn["stages"]!.AsArray();
        Assert.Equal(["initial", "critique", "final", "critique", "final"], stages.Select(stage => stage!["kind"]!.GetValue<string>()));
        Assert.Equal(stages[^1]!["text"]!.GetValue<string>(), turn["answer"]!.GetValue<string>());
        Assert.Equal("Is this a harmful or harmless response?", stages[1]!["messages"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        Assert.Equal(stages.Sum(stage => stage!["usage"]!["output"]!.GetValue<long>()), turn["usage"]!["output"]!.GetValue<long>());
    }

    [TinyModelFact]
    public async Task Interactive_AnswersEachLineUntilExit_KeepingTheConversation()
    {
        var input = Console.In;
        Console.SetIn(new StringReader("First question\n\nSecond question\n/exit\nnever asked\n"));
        try
        {
            var result = await CliRunner.RunAsync("chat", "--model", TinyModel, "--strategy", "none", "--max-tokens", "4");

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(2, result.Output.Split("── answer ──").Length - 1);
            var prompts = result.Output.Split('\n').Where(line => line.Contains("prompt tokens")).ToArray();
            Assert.Equal(2, prompts.Length);
        }
        finally
        {
            Console.SetIn(input);
        }
    }
}
