using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using SelfCorrect.Cli;
using static SelfCorrect.Testing.LoopbackChatServer;

namespace SelfCorrect.Server.Tests;

/// <summary><c>selfcorrect serve</c> as a user runs it: bad options in one line, and a real process that drains on SIGTERM.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("--strategy", "vibes", "error: --strategy: unknown strategy 'vibes'")]
    [InlineData("--rounds", "-1", "error: --rounds:")]
    [InlineData("--max-concurrent", "0", "error: --max-concurrent: must be ≥ 1")]
    [InlineData("--max-batch", "0", "error: --max-batch: must be between 1 and 256")]
    [InlineData("--host", "example.org", "error: --host: 'example.org' is not an IP address")]
    [InlineData("--flash-attention", "maybe", "error: --flash-attention:")]
    public async Task BadOption_OneLineNamingTheOption_Exit2(string option, string value, string expected)
    {
        var error = new StringWriter();
        Environment.SetEnvironmentVariable(Gateway.UpstreamKeyVariable, Gateway.UpstreamKey);
        int exit = await CliApp.RunAsync(CliApp.BuildRootCommand(), ["serve", "--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1", "--api-key-env", Gateway.UpstreamKeyVariable, "--port", "0", option, value],
            new StringWriter(), error);

        Assert.Equal(CliApp.UsageErrorExitCode, exit);
        Assert.StartsWith(expected, Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Sigterm_DrainsTheRequestInFlight_ThenExits0_LoggingNeitherKeyNorPrompt()
    {
        await using var upstream = await StartAsync(TimeSpan.FromMilliseconds(1500), (_, _) => new Answer("drained"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { RepositoryPaths.ToolDll, "serve", "--model", "openai:m", "--endpoint", upstream.BaseUri.ToString(),
                     "--api-key-env", Gateway.UpstreamKeyVariable, "--port", "0", "--strategy", "none", "--max-retries", "0" })
            start.ArgumentList.Add(argument);
        start.Environment[Gateway.UpstreamKeyVariable] = Gateway.UpstreamKey;
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();

        string first = (await process.StandardOutput.ReadLineAsync())!;
        Assert.Contains(" at http://127.0.0.1:", first);
        var baseUri = new Uri(first[(first.LastIndexOf(" at ", StringComparison.Ordinal) + 4)..].Split(' ')[0].TrimEnd('/') + "/");
        var rest = process.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient();
        var request = http.PostAsync(new Uri(baseUri, "chat/completions"), new StringContent(Gateway.Body("my secret prompt").ToJsonString(), Encoding.UTF8, "application/json"));
        await Gateway.Eventually(() => upstream.InFlight == 1);

        Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        using var response = await request;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("drained", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]);
        Assert.Equal(0, process.ExitCode);
        string output = await rest + log;
        Assert.Contains("stopped", output);
        Assert.DoesNotContain(Gateway.UpstreamKey, first + output);
        Assert.DoesNotContain("secret prompt", first + output);
    }
}
