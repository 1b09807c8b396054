using System.Diagnostics;
using System.Text.Json.Nodes;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Cli.Tests;

/// <summary><c>eval overrefusal</c> and <c>eval overrefusal score</c> on the shipped XSTest prompts.</summary>
public sealed class OverrefusalCommandTests
{
    private const string KeyVariable = "SELFCORRECT_OVERREFUSAL_TEST_KEY";
    private static readonly string[] Defenses = ["none", "reminder", "icd", "backup", "cac"];

    public OverrefusalCommandTests() => Environment.SetEnvironmentVariable(KeyVariable, "test");

    private static string[] TinyModel => ["--model", $"gguf:{TestModels.TinyGgufPath}", "--context-size", "512", "--threads", "1", "--max-tokens", "6", "--concurrency", "1"];

    private static int Recorded(string output) => Defenses.Sum(d => CliRunner.LineCount(Path.Combine(output, DefenseRun.ResponsesFileName(d))));

    [TinyModelFact]
    public async Task TinyGguf_EveryDefence_KilledMidRun_RerunResumes_ThenOneReportWithAsrBeside()
    {
        string root = Fixtures.TemporaryDirectory();
        string output = Path.Combine(root, "overrefusal");
        string[] args = ["eval", "overrefusal", "--data", TestData.XsTestPrompts, "--limit", "30", "--rounds", "2", "--out", output, .. TinyModel];
        Task? killer = null;

        // Killed (SIGKILL) as soon as 15 of the 150 samples are on disk.
        var (exitCode, stderr) = await CliRunner.RunChildAsync(args, new Dictionary<string, string>(), child => killer = Task.Run(async () =>
        {
            while (!child.HasExited && Recorded(output) < 15) await Task.Delay(5);
            if (!child.HasExited) child.Kill();
        }));
        await killer!;
        Assert.True(exitCode == 137, $"exit code {exitCode}: {stderr}");
        int beforeRerun = Recorded(output);
        Assert.InRange(beforeRerun, 15, 149);

        var rerun = await CliRunner.RunAsync(args);

        Assert.True(rerun.ExitCode == 0, rerun.Error + rerun.Output);
        Assert.Contains($"{beforeRerun} samples already done", rerun.Output);
        Assert.Contains("150/150 samples recorded", rerun.Output);
        var ids = Enumerable.Range(1, 30).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        foreach (string defense in Defenses)
        {
            var records = ResponsesFile.ReadAll(Path.Combine(output, DefenseRun.ResponsesFileName(defense)), SampleKeyFormat.XsTest);
            Assert.Equal(ids, records.Select(r => r.Key).Order());
            Assert.All(records, r => Assert.Equal(defense == "cac" ? 2 : 0, r.Value.FinalRounds.Count));
            // The answer that ends each record keeps its finish reason (6 new tokens: the limit).
            Assert.All(records, r => Assert.NotNull(r.Value.Answers()[^1].FinishReason));
        }
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!;
        Assert.Equal("overrefusal", (string?)metrics["benchmark"]);
        Assert.True(metrics["coverage"]!["complete"]!.GetValue<bool>());
        var rows = metrics["refusal"]!.AsArray();
        // 4 one-stage defences + cac with 3 stages, safe and unsafe prompts (25 safe and 5 unsafe in the first 30 rows), one judge.
        Assert.Equal((4 + 3) * 2, rows.Count);
        Assert.Equal(30 * 4 + 30 * 3, rows.Sum(r => r!["n"]!.GetValue<int>()));
        Assert.All(rows, r => Assert.Equal("xstest-strmatch", (string?)r!["judge"]));

        string jailbreakCsv = Fixtures.WriteAdvBench(root, 3);
        var jailbreak = await CliRunner.RunAsync(["eval", "jailbreak", "--data", jailbreakCsv, "--defenses", "none,cac", "--rounds", "2", "--out", Path.Combine(root, "jb"), .. TinyModel]);
        Assert.True(jailbreak.ExitCode == 0, jailbreak.Error + jailbreak.Output);
        var report = await CliRunner.RunAsync("report", output, Path.Combine(root, "jb"), "--out", Path.Combine(root, "report"));
        Assert.True(report.ExitCode == 0, report.Error);
        string markdown = File.ReadAllText(Path.Combine(root, "report", "report.md"));
        Assert.Contains("Over-refusal (XSTest) and the safety trade-off", markdown);
        Assert.Contains("| defence | stage | judge | refusal on safe prompts (over-refusal) | refusal on unsafe prompts | ASR: attack none, refusal-reference |", markdown);
        Assert.Contains("| cac | after round 2 | xstest-strmatch |", markdown);
        string figure = Path.Combine(root, "report", "overrefusal-1-xstest-strmatch");
        Assert.True(new FileInfo(figure + ".png").Length > 1000);
        Assert.Contains("refusal of safe vs unsafe prompts", File.ReadAllText(Path.Combine(root, "report", "report.html")));
    }

    [Fact]
    public async Task Score_OutputsProducedElsewhere_StringMatchAndAnLlmJudgeThatResumes()
    {
        string directory = Fixtures.TemporaryDirectory();
        string responses = Path.Combine(directory, "responses-cac.jsonl");
        File.WriteAllLines(responses,
        [
            // Ids as numbers, as another tool may write them.
            "{\"id\": 1, \"initial\": \"I'm sorry, I cannot help with killing.\", \"critique\": \"Harmless.\", \"final\": \"Use kill -9 with its process id.\"}",
            "{\"id\": \"2\", \"initial\": \"Call exit(0).\", \"critique\": \"Harmless.\", \"final\": \"Call exit(0).\"}",
            "{\"id\": 26, \"initial\": \"No, I will not help with that.\", \"critique\": \"Harmful.\", \"final\": \"I cannot help with that.\"}",
        ]);
        // The judge calls "kill" answers partial refusals, other refusals full refusals, the rest compliance.
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) =>
        {
            int start = message.IndexOf("Response:", StringComparison.Ordinal) + 9;
            string response = message[start..message.IndexOf("Choose the one label", start, StringComparison.Ordinal)];
            return new LoopbackChatServer.Answer(response.Contains("killing", StringComparison.Ordinal) ? "partial_refusal"
                : response.Contains("cannot", StringComparison.Ordinal) || response.Contains("No,", StringComparison.Ordinal) ? "2_full_refusal" : "full_compliance");
        });
        string[] args = ["eval", "overrefusal", "score", "--data", TestData.XsTestPrompts, "--responses", responses, "--judge", "xstest-strmatch,llm:openai:judge",
            "--judge-endpoint", server.BaseUri.ToString(), "--api-key-env", KeyVariable, "--out", Path.Combine(directory, "scored")];

        var scored = await CliRunner.RunAsync(args);

        Assert.True(scored.ExitCode == 0, scored.Error + scored.Output);
        Assert.Contains("scored 3 records", scored.Output);
        Assert.Equal(6, server.Requests.Count);
        var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "scored", "metrics.json")))!["refusal"]!.AsArray();
        JsonNode Row(string stage, string label, string judge) =>
            rows.Single(r => (string?)r!["stage"] == stage && (string?)r["label"] == label && (string?)r["judge"] == judge)!;
        Assert.Equal(0.5, Row("initial", "safe", "xstest-strmatch")["refusal_rate"]!["value"]!.GetValue<double>());
        Assert.Equal((1, 0), (Row("initial", "safe", "llm")["partial_refusal"]!.GetValue<int>(), Row("initial", "safe", "llm")["full_refusal"]!.GetValue<int>()));
        Assert.Equal(1.0, Row("final_1", "unsafe", "llm")["refusal_rate"]!["value"]!.GetValue<double>());
        Assert.Equal(0.0, Row("final_1", "safe", "xstest-strmatch")["refusal_rate"]!["value"]!.GetValue<double>());

        var again = await CliRunner.RunAsync(args);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(6, server.Requests.Count);
        Assert.Equal(6, CliRunner.LineCount(Path.Combine(directory, "scored", LlmJudging.JudgementsFileName)));
    }

    [Fact]
    public async Task BadInput_OneLineNamingTheFileLineOrOption_ExitCode2_NothingWritten()
    {
        string directory = Fixtures.TemporaryDirectory();
        string csv = Path.Combine(directory, "xstest.csv");
        string output = Path.Combine(directory, "run");
        string[] model = ["--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1", "--api-key-env", KeyVariable, "--out", output];

        File.WriteAllText(csv, "id,prompt,type,focus,note\n1,Hi,homonyms,kill,x\n");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", csv, .. model])).AssertOneLineUsageError($"error: {csv}:1: missing column 'label'");
        File.WriteAllText(csv, "id,prompt,type,label,focus,note\n1,Hi,homonyms,safe,kill,x\n2,Ho,contrast_homonyms,harmful,kill,x\n");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", csv, .. model])).AssertOneLineUsageError($"error: {csv}:3: label 'harmful' is neither 'safe' nor 'unsafe'");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", TestData.XsTestPrompts, "--judge", "reference", .. model]))
            .AssertOneLineUsageError("error: --judge: 'reference' is not one of xstest-strmatch, llm:MODEL-SPEC");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", TestData.XsTestPrompts, "--limit", "0", .. model])).AssertOneLineUsageError("error: --limit: must be at least 1 (got 0)");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", TestData.XsTestPrompts, "--defenses", "none,astrology", .. model])).AssertOneLineUsageError("error: --defenses:");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", TestData.XsTestPrompts, "--defenses", "none,rank", "--candidates", "0", .. model]))
            .AssertOneLineUsageError("error: --candidates: must be ≥ 1 (got 0)");
        (await CliRunner.RunAsync(["eval", "overrefusal", "--data", Path.Combine(directory, "absent.csv"), .. model]))
            .AssertOneLineUsageError($"error: --data: file '{Path.Combine(directory, "absent.csv")}' not found");
        Assert.False(Directory.Exists(output));

        string responses = Path.Combine(directory, "responses-none.jsonl");
        File.WriteAllLines(responses, ["{\"id\": 1, \"initial\": \"Sure.\"}", "{\"id\": 451, \"initial\": \"Sure.\"}"]);
        (await CliRunner.RunAsync("eval", "overrefusal", "score", "--data", TestData.XsTestPrompts, "--responses", responses))
            .AssertOneLineUsageError($"error: {responses}:2: id 451 is not in the data");
        File.WriteAllLines(responses, ["{\"initial\": \"Sure.\"}"]);
        (await CliRunner.RunAsync("eval", "overrefusal", "score", "--data", TestData.XsTestPrompts, "--responses", responses))
            .AssertOneLineUsageError($"error: {responses}:1: missing field 'id'");
        Assert.False(File.Exists(Path.Combine(directory, "metrics.json")));
    }
}
