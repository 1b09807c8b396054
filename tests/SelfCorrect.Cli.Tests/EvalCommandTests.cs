using System.Diagnostics;
using System.Text.Json.Nodes;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Cli.Tests;

/// <summary><c>eval bbq|jailbreak</c> and their <c>score</c> subcommands: in-process (CliApp) and as a child process of the built selfcorrect.dll.</summary>
public sealed class EvalCommandTests
{
    private const string KeyVariable = "SELFCORRECT_EVAL_TEST_KEY";

    public EvalCommandTests() => Environment.SetEnvironmentVariable(KeyVariable, "test");

    private static string[] BbqArgs(string data, Uri endpoint, string output, params string[] extra) =>
    [
        "eval", "bbq", "--data", data, "--model", "openai:loopback-model", "--endpoint", endpoint.ToString(),
        "--api-key-env", KeyVariable, "--strategy", "none", "--out", output, .. extra,
    ];

    [Fact]
    public async Task ChildProcessKilledMidRun_RerunResumes_EverySampleExactlyOnce()
    {
        string data = BbqResponder.WriteData(perCategory: 15);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        string responses = Path.Combine(output, BbqRun.ResponsesFileName);
        Process? child = null;
        // The server itself kills the client when the 12th request arrives (SIGKILL: no handler runs, nothing is disposed),
        // so the kill lands mid-run however slowly the machine runs.
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.FromMilliseconds(40), (message, number) =>
        {
            if (number == 12) child!.Kill();
            return BbqResponder.Answer(message);
        });
        var (exitCode, stderr) = await CliRunner.RunChildAsync(BbqArgs(data, server.BaseUri, output, "--concurrency", "2"),
            new Dictionary<string, string> { [KeyVariable] = "test" }, started => child = started);
        Assert.True(exitCode == 137, $"exit code {exitCode}: {stderr}");
        int beforeRerun = CliRunner.LineCount(responses);
        Assert.InRange(beforeRerun, 1, 11);
        // As if the kill had landed in the middle of a write.
        File.AppendAllText(responses, "{\"category\":\"SES\",\"example_id\":1");

        var rerun = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output, "--concurrency", "2"));

        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains($"{beforeRerun} samples already done", rerun.Output);
        Assert.Contains("discarded a torn last line", rerun.Output);
        var records = ResponsesFile.ReadAll(responses, SampleKeyFormat.Bbq);
        var expected = new[] { "Age", "SES" }.SelectMany(c => Enumerable.Range(0, 15).Select(i => $"{c}/{i}")).Order();
        Assert.Equal(expected, records.Select(r => r.Key).Order());
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!;
        Assert.True(metrics["coverage"]!["complete"]!.GetValue<bool>());
        Assert.Equal(30, metrics["samples"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadInput_OneLineNamingFileAndLine_ExitCode2_ExistingResultsUntouched()
    {
        string data = BbqResponder.WriteData(perCategory: 3);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) => BbqResponder.Answer(message));
        Assert.Equal(0, (await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output))).ExitCode);
        string responses = Path.Combine(output, BbqRun.ResponsesFileName);
        string before = File.ReadAllText(responses), metricsBefore = File.ReadAllText(Path.Combine(output, "metrics.json"));

        string broken = Path.Combine(data, "SES.jsonl");
        File.AppendAllText(broken, "{\"example_id\": 99, \"category\": \"SES\"\n");
        var malformed = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output));
        Assert.Equal(2, malformed.ExitCode);
        Assert.StartsWith($"error: {broken}:4: malformed JSON", malformed.Error);
        Assert.Single(malformed.Error.TrimEnd().Split('\n'));

        File.WriteAllLines(broken, File.ReadAllLines(broken).SkipLast(1).Append("{\"example_id\": 99, \"category\": \"SES\"}"));
        Assert.StartsWith($"error: {broken}:4: missing field", (await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output))).Error);
        File.WriteAllLines(broken, File.ReadAllLines(broken).SkipLast(1));

        var unknown = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output, "--categories", "Astrology"));
        Assert.Equal((2, "error: --categories: unknown category 'Astrology' (the data holds: Age, SES)"), (unknown.ExitCode, unknown.Error.Trim()));
        string ambiguousOnly = Fixtures.TemporaryDirectory();
        Fixtures.WriteJsonLines(ambiguousOnly, "Age.jsonl", [Fixtures.BbqRow("Age", 1, "neg", "ambig", 2)]);
        var empty = await CliRunner.RunAsync(BbqArgs(ambiguousOnly, server.BaseUri, output, "--condition", "disambig"));
        Assert.Equal((2, "error: --condition: empty selection: no examples with condition disambig in categories Age"), (empty.ExitCode, empty.Error.Trim()));
        var otherSettings = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output, "--condition", "ambig"));
        Assert.Equal(2, otherSettings.ExitCode);
        Assert.Contains("holds a run with other settings (selection.condition", otherSettings.Error);

        Assert.Equal(before, File.ReadAllText(responses));
        Assert.Equal(metricsBefore, File.ReadAllText(Path.Combine(output, "metrics.json")));
    }

    [Fact]
    public async Task OtherSettings_ResumeRefusedNamingOutAndForce_ForceReplacesTheRun()
    {
        string data = BbqResponder.WriteData(perCategory: 3);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) => BbqResponder.Answer(message));
        Assert.Equal(0, (await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output))).ExitCode);
        string responses = Path.Combine(output, BbqRun.ResponsesFileName);
        Assert.Equal(6, ResponsesFile.ReadAll(responses, SampleKeyFormat.Bbq).Count);

        var refused = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output, "--condition", "ambig"));
        refused.AssertOneLineUsageError($"--out: '{output}' holds a run with other settings (selection.condition: \"all\" in the directory vs \"ambig\" now); "
            + "rerun with the same settings to resume it, choose another --out, or set --force to replace it");
        var replaced = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, output, "--condition", "ambig", "--force"));

        Assert.Equal(0, replaced.ExitCode);
        // Two of each category's three questions are ambiguous.
        Assert.Equal(["Age/1", "Age/2", "SES/1", "SES/2"], ResponsesFile.ReadAll(responses, SampleKeyFormat.Bbq).Select(r => r.Key).Order());
        Assert.Equal("ambig", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(output, "settings.json")))!["selection"]!["condition"]);
    }

    [Fact]
    public async Task Force_FolderThatIsNotAnEvaluationRun_IsRefusedAndUntouched_WithoutSuggestingForce()
    {
        string data = BbqResponder.WriteData(perCategory: 3);
        string folder = Fixtures.TemporaryDirectory();
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "three years of work");
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) => BbqResponder.Answer(message));

        var refused = await CliRunner.RunAsync(BbqArgs(data, server.BaseUri, folder, "--force"));

        refused.AssertOneLineUsageError($"--out: '{folder}' holds files that are not a selfcorrect evaluation run; choose an empty or new directory");
        Assert.DoesNotContain("--force", refused.Error);
        Assert.Empty(server.Requests);
        Assert.Equal("three years of work", File.ReadAllText(Path.Combine(folder, "thesis.tex")));
        // Refused before any lock file is made: the folder is exactly as it was.
        Assert.Equal(["thesis.tex"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LibrarySettingErrors_NameTheOptions()
    {
        string directory = Fixtures.TemporaryDirectory();
        string csv = Fixtures.WriteAdvBench(directory, 3);
        string data = BbqResponder.WriteData(perCategory: 3);
        string output = Path.Combine(directory, "run");
        string[] model = ["--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1", "--api-key-env", KeyVariable, "--out", output];

        (await CliRunner.RunAsync(["eval", "bbq", "--data", data, "--concurrency", "0", .. model])).AssertOneLineUsageError("error: --concurrency: must be ≥ 1 (got 0)");
        (await CliRunner.RunAsync(["eval", "bbq", "--data", data, "--per-category", "0", .. model])).AssertOneLineUsageError("error: --per-category: must be at least 1 (got 0)");
        (await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, "--attack", "suffix", .. model])).AssertOneLineUsageError("error: --attack: the suffix attack needs --suffix");
        (await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, "--defenses", "none,cac,none", .. model])).AssertOneLineUsageError("error: --defenses: a defence is given twice");
        (await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, "--defenses", "rank", "--candidates", "0", .. model])).AssertOneLineUsageError("error: --candidates: must be ≥ 1 (got 0)");
        (await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, "--judge", "astrology", .. model])).AssertOneLineUsageError("error: --judge: 'astrology' is not one of");
        (await CliRunner.RunAsync(["eval", "jailbreak", "score", "--data", csv, "--responses", csv, "--rpm", "0"])).AssertOneLineUsageError("error: --rpm: must be ≥ 1 (got 0)");
        (await CliRunner.RunAsync(["eval", "bbq", "score", "--data", data, "--responses", Path.Combine(directory, "absent.jsonl")]))
            .AssertOneLineUsageError($"error: --responses: file '{Path.Combine(directory, "absent.jsonl")}' not found");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task BadJailbreakInput_CsvWithoutHeaderOrUnreadableAttackLog_ExitCode2()
    {
        string directory = Fixtures.TemporaryDirectory();
        string csv = Path.Combine(directory, "behaviors.csv");
        File.WriteAllText(csv, "Do a bad thing,Sure\n");
        string[] common = ["--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1", "--api-key-env", KeyVariable, "--out", Path.Combine(directory, "run")];

        var noHeader = await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, .. common]);
        Assert.Equal((2, $"error: {csv}:1: expected the header 'goal,target'"), (noHeader.ExitCode, noHeader.Error.Trim()));

        File.WriteAllText(csv, "goal,target\nDo a bad thing,Sure\n");
        string log = Path.Combine(directory, "gcg.json");
        File.WriteAllText(log, "{\"0\": {\"attack\": [");
        var unreadable = await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, "--attack", $"gcg:{log}", .. common]);
        Assert.Equal(2, unreadable.ExitCode);
        Assert.StartsWith($"error: {log}:1: unreadable attack log", unreadable.Error);
        Assert.False(Directory.Exists(Path.Combine(directory, "run")));
    }

    [Fact]
    public async Task Score_OutputsProducedElsewhere_WithoutAnyModel()
    {
        string data = BbqResponder.WriteData(perCategory: 3);
        string elsewhere = Fixtures.TemporaryDirectory();
        string responses = Path.Combine(elsewhere, "outputs.jsonl");
        File.WriteAllLines(responses,
        [
            "{\"category\": \"Age\", \"example_id\": 0, \"initial\": \"(a) The retired librarian\", \"critique\": \"It relies on a stereotype.\", \"final\": \"(b)\"}",
            "{\"category\": \"Age\", \"example_id\": 1, \"initial\": \"(c)\"}",
            "{\"category\": \"SES\", \"example_id\": 2, \"initial\": \"no idea\", \"critiques\": [\"x\", \"y\"], \"finals\": [\"(c)\", \"(c)\"]}",
        ]);

        var scored = await CliRunner.RunAsync("eval", "bbq", "score", "--data", data, "--responses", responses);

        Assert.Equal(0, scored.ExitCode);
        Assert.Contains("scored 3 records", scored.Output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(elsewhere, "metrics.json")))!;
        Assert.Equal(2, metrics["rounds"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(elsewhere, "scoring.json")));

        File.AppendAllText(responses, "{\"category\": \"Age\", \"example_id\": 1}\n");
        var missing = await CliRunner.RunAsync("eval", "bbq", "score", "--data", data, "--responses", responses);
        Assert.Equal((2, $"error: {responses}:4: missing field 'initial'"), (missing.ExitCode, missing.Error.Trim()));

        string csv = Fixtures.WriteAdvBench(elsewhere, 3);
        string none = Path.Combine(elsewhere, "responses-none.jsonl");
        File.WriteAllLines(none, ["{\"index\": 0, \"initial\": \"Sure, here is how\"}", "{\"index\": 1, \"initial\": \"I cannot help with that.\"}"]);
        var jailbreak = await CliRunner.RunAsync("eval", "jailbreak", "score", "--data", csv, "--responses", none, "--judge", "reference,llm-attacks", "--out", Path.Combine(elsewhere, "jb"));
        Assert.Equal(0, jailbreak.ExitCode);
        var asr = JsonNode.Parse(File.ReadAllText(Path.Combine(elsewhere, "jb", "metrics.json")))!["asr"]!.AsArray();
        Assert.Equal(2, asr.Count);
        Assert.All(asr, row => Assert.Equal(("none", 1), ((string?)row!["defense"], row["jailbroken"]!.GetValue<int>())));
    }

    [TinyModelFact]
    public async Task TinyGguf_EndToEnd_BbqAndJailbreakRuns_ThenOneReportOfBoth()
    {
        string data = BbqResponder.WriteData(perCategory: 3);
        string root = Fixtures.TemporaryDirectory();
        string[] model = ["--model", $"gguf:{TestModels.TinyGgufPath}", "--context-size", "512", "--threads", "1", "--max-tokens", "6", "--concurrency", "1"];

        var bbq = await CliRunner.RunAsync(["eval", "bbq", "--data", data, "--strategy", "cac", "--condition", "ambig", "--per-category", "2", "--out", Path.Combine(root, "bbq"), .. model]);
        Assert.True(bbq.ExitCode == 0, bbq.Error + bbq.Output);
        var records = ResponsesFile.ReadAll(Path.Combine(root, "bbq", BbqRun.ResponsesFileName), SampleKeyFormat.Bbq);
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.StartsWith("The answer is", r.Value.Initial));
        Assert.All(records, r => Assert.True(r.Value.Stages!.All(s => s.OutputTokens > 0 && s.LatencyMs > 0)));
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "bbq", "settings.json")))!;
        Assert.True(settings["model"]!["prefill_supported"]!.GetValue<bool>());
        Assert.Equal(64, ((string?)settings["data"]![0]!["sha256"])!.Length);

        string csv = Fixtures.WriteAdvBench(root, 4);
        var jailbreak = await CliRunner.RunAsync(["eval", "jailbreak", "--data", csv, "--limit", "2", "--defenses", "none,cac", "--rounds", "2", "--judge", "reference,llm-attacks", "--out", Path.Combine(root, "jb"), .. model]);
        Assert.True(jailbreak.ExitCode == 0, jailbreak.Error + jailbreak.Output);
        Assert.Equal(2, ResponsesFile.ReadAll(Path.Combine(root, "jb", "responses-cac.jsonl"), SampleKeyFormat.Jailbreak).Count(r => r.Value.FinalRounds.Count == 2));

        var report = await CliRunner.RunAsync("report", Path.Combine(root, "bbq"), Path.Combine(root, "jb"), "--out", Path.Combine(root, "report"));
        Assert.True(report.ExitCode == 0, report.Error);
        string html = File.ReadAllText(Path.Combine(root, "report", "report.html"));
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("src=\"", html);
        Assert.Contains("BBQ accuracy per category", html);
        Assert.Contains("refusal-llm-attacks", html);
        foreach (string figure in new[] { "bbq-accuracy", "jailbreak-asr-refusal-reference", "jailbreak-asr-refusal-llm-attacks" })
        {
            Assert.True(new FileInfo(Path.Combine(root, "report", figure + ".png")).Length > 1000, figure);
            Assert.True(File.Exists(Path.Combine(root, "report", figure + ".svg")), figure);
        }
        string markdown = File.ReadAllText(Path.Combine(root, "report", "report.md"));
        Assert.Contains("![", markdown);
        Assert.Contains("| category |", markdown);
    }
}
