using System.Text.Json.Nodes;

namespace SelfCorrect.Cli.Tests;

/// <summary><c>eval bbq</c> over HTTP: <c>--server vllm</c> sends the answer prefill; a server that cannot continue it is a recorded protocol deviation.</summary>
public sealed class EvalPrefillTests
{
    private const string KeyVariable = "SELFCORRECT_EVAL_PREFILL_KEY";

    public EvalPrefillTests() => Environment.SetEnvironmentVariable(KeyVariable, "test");

    private static string[] Args(string data, Uri endpoint, string output, params string[] extra) =>
    [
        "eval", "bbq", "--data", data, "--model", "openai:m", "--endpoint", endpoint.ToString(), "--api-key-env", KeyVariable,
        "--strategy", "none", "--per-category", "1", "--out", output, .. extra,
    ];

    private static JsonNode Read(string directory, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(directory, file)))!;

    [Fact]
    public async Task UnknownServer_RecordsTheDeviation_InSettingsMetricsAndReport_VllmSendsThePrefill()
    {
        string data = BbqResponder.WriteData(perCategory: 2);
        string root = Fixtures.TemporaryDirectory();
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) => BbqResponder.Answer(message));

        string other = Path.Combine(root, "other");
        Assert.Equal(0, (await CliRunner.RunAsync(Args(data, server.BaseUri, other))).ExitCode);
        Assert.All(server.Requests, request => Assert.Equal("user", (string?)request.Body["messages"]!.AsArray()[^1]!["role"]));
        Assert.False(Read(other, "settings.json")["model"]!["prefill_supported"]!.GetValue<bool>());
        Assert.Equal("other", (string?)Read(other, "settings.json")["model"]!["server"]);
        string deviation = (string)Assert.Single(Read(other, "metrics.json")["protocol_deviations"]!.AsArray())!;
        Assert.Contains("not prefilled with \"The answer is\"", deviation);
        Assert.Equal(deviation, (string?)Read(other, "settings.json")["protocol_deviations"]![0]);
        Assert.Equal(0, (await CliRunner.RunAsync("report", other, "--out", Path.Combine(root, "report"))).ExitCode);
        Assert.Contains($"Protocol deviation in other: {deviation}", File.ReadAllText(Path.Combine(root, "report", "report.md")));

        server.Script();
        string vllm = Path.Combine(root, "vllm");
        Assert.Equal(0, (await CliRunner.RunAsync(Args(data, server.BaseUri, vllm, "--server", "vllm"))).ExitCode);
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, request =>
        {
            Assert.Equal(("assistant", "The answer is"), ((string?)request.Body["messages"]!.AsArray()[^1]!["role"], (string?)request.Body["messages"]!.AsArray()[^1]!["content"]));
            Assert.Equal((true, false), (request.Body["continue_final_message"]!.GetValue<bool>(), request.Body["add_generation_prompt"]!.GetValue<bool>()));
        });
        Assert.Empty(Read(vllm, "metrics.json")["protocol_deviations"]!.AsArray());

        var off = await CliRunner.RunAsync(Args(data, server.BaseUri, Path.Combine(root, "off"), "--server", "vllm", "--prefill", "off"));
        Assert.Equal(0, off.ExitCode);
        Assert.Single(Read(Path.Combine(root, "off"), "metrics.json")["protocol_deviations"]!.AsArray());
    }
}
