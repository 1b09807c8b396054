using System.Text.Json.Nodes;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Runner;
using SelfCorrect.Evaluation.Storage;
using YamlDotNet.RepresentationModel;

namespace SelfCorrect.Cli.Tests;

/// <summary><c>--shard</c>, <c>--aggregate</c> and <c>--emit slurm|k8s</c> of <c>ica sweep</c> and <c>eval</c>.</summary>
public sealed class ShardCommandTests
{
    private const string KeyVariable = "SELFCORRECT_SHARD_TEST_KEY";

    public ShardCommandTests() => Environment.SetEnvironmentVariable(KeyVariable, "test");

    private static string Sweep()
    {
        string directory = CliRunner.TemporaryDirectory();
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "micro.yaml");
        File.WriteAllText(path, "axis: micro\nbase: tiny\ntasks: [reference]\nconfigurations:\n  - name: a\n    set: {training.steps: 2}\n  - name: b\n    set: {training.steps: 2, model.layers: 1}\n");
        return path;
    }

    private static string[] TinyModel => ["--model", $"gguf:{TestModels.TinyGgufPath}", "--context-size", "512", "--threads", "1", "--max-tokens", "6", "--seed", "3"];

    [Theory]
    [InlineData("--shard: the shard index i counts from 0 and must be below N=2 (got '2/2')", "--shard", "2/2")]
    [InlineData("--shard: expected i/N with a 0-based shard index i", "--shard", "1")]
    [InlineData("--force: cannot be combined with --shard", "--shard", "0/2", "--force")]
    [InlineData("--aggregate: cannot be combined with --shard", "--shard", "0/2", "--aggregate")]
    [InlineData("--shard: cannot be combined with --emit", "--shard", "0/2", "--emit", "slurm")]
    [InlineData("--time: expected minutes, HH:MM:SS or D-HH:MM:SS", "--emit", "slurm", "--time", "2h")]
    [InlineData("--shards: must be at least 1 (got 0)", "--emit", "slurm", "--shards", "0")]
    [InlineData("--image: a Kubernetes Job needs the container image", "--emit", "k8s")]
    [InlineData("Cannot parse argument 'pbs' for option '--emit'", "--emit", "pbs")]
    public async Task BadShardAndEmitOptionsOfASweepGiveOneLineAndExitTwo(string expected, params string[] options)
    {
        string sweep = Sweep();
        string output = Path.Combine(Path.GetDirectoryName(sweep)!, "out");
        var result = await CliRunner.RunAsync(["ica", "sweep", "--preset", sweep, "--out", output, .. options]);
        result.AssertOneLineUsageError(expected);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task ASweepEmitsASlurmArrayAndAnIndexedJobThatRunItsOwnCommandLine()
    {
        string sweep = Sweep();
        string script = Path.Combine(Path.GetDirectoryName(sweep)!, "submit.sh");
        string[] command = ["ica", "sweep", "--preset", sweep, "--seeds", "2", "--out", "runs/micro", "--threads", "2"];
        var slurm = await CliRunner.RunAsync([.. command, "--emit", "slurm", "--shards", "3", "--partition", "debug", "--time", "30", "--cpus-per-task", "2",
            "--launcher", "/opt/sc/selfcorrect", "--emit-file", script]);
        Assert.True(slurm.ExitCode == 0, slurm.Error);
        Assert.Contains($"wrote {script}: 3 shard(s) for slurm", slurm.Output);
        string text = File.ReadAllText(script);
        foreach (string line in new[] { "#SBATCH --array=0-2", "#SBATCH --partition=debug", "#SBATCH --time=30", "#SBATCH --cpus-per-task=2", $"#SBATCH --chdir={Directory.GetCurrentDirectory()}" })
            Assert.Contains(line + "\n", text);
        string shardLine = $"exec /opt/sc/selfcorrect {string.Join(' ', command)} --shard \"${{SLURM_ARRAY_TASK_ID}}/3\"\n";
        Assert.Contains(shardLine, text);
        Assert.Contains($"exec /opt/sc/selfcorrect {string.Join(' ', command)} --aggregate\n", text);
        Assert.Contains("--dependency=afterany:\"${array_job}\"", text);
        Assert.False(Directory.Exists("runs/micro"));

        var k8s = await CliRunner.RunAsync([.. command, "--emit", "k8s", "--shards", "3", "--image", "selfcorrect:test", "--launcher", "selfcorrect"]);
        Assert.True(k8s.ExitCode == 0, k8s.Error);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(k8s.Output));
        var spec = (YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["spec"];
        Assert.Equal("Indexed", spec["completionMode"].ToString());
        Assert.Equal("3", spec["completions"].ToString());
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)spec["template"])["spec"])["containers"]).Single();
        Assert.Equal($"exec selfcorrect {string.Join(' ', command)} --shard \"$JOB_COMPLETION_INDEX/3\"", ((YamlSequenceNode)container["command"])[2].ToString());
    }

    [Fact]
    public async Task AggregatingASweepBeforeItsShardsFinishedNamesTheMissingTrainingsAndExitsOne()
    {
        string sweep = Sweep();
        string output = Path.Combine(Path.GetDirectoryName(sweep)!, "out");
        var shard = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", output, "--threads", "1", "--shard", "0/2");
        Assert.True(shard.ExitCode == 0, shard.Error);
        Assert.Contains("shard 0/2: 1 of them", shard.Output);
        Assert.Contains("summary not written yet: 1 of 2 trainings are not finished", shard.Output);
        var early = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", output, "--aggregate");
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("1 training(s) are not finished: micro/", early.Error);
        var last = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", output, "--threads", "1", "--shard", "1/2");
        Assert.True(last.ExitCode == 0, last.Error);
        Assert.True(File.Exists(Path.Combine(output, "summary.csv")), last.Output);
        var aggregated = await CliRunner.RunAsync("ica", "sweep", "--preset", sweep, "--seeds", "1", "--out", output, "--aggregate");
        Assert.True(aggregated.ExitCode == 0, aggregated.Error);
    }

    [Fact]
    public async Task BbqShardsRunConcurrentlyIntoOneDirectoryWithoutOverlap()
    {
        string data = BbqResponder.WriteData(perCategory: 5);
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.FromMilliseconds(20), (message, _) => BbqResponder.Answer(message));
        string[] Args(int shard) => ["eval", "bbq", "--data", data, "--model", "openai:loopback-model", "--endpoint", server.BaseUri.ToString(),
            "--api-key-env", KeyVariable, "--strategy", "cac", "--out", output, "--shard", $"{shard}/2", "--concurrency", "2"];
        var results = await Task.WhenAll(CliRunner.RunAsync(Args(0)), CliRunner.RunAsync(Args(1)));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        var keys = Enumerable.Range(0, 2).Select(i => ResponsesFile.ReadAll(Path.Combine(output, $"responses.shard-{i}-of-2.jsonl"), SampleKeyFormat.Bbq).Select(r => r.Key).ToList()).ToList();
        Assert.Equal([5, 5], keys.Select(k => k.Count));
        Assert.Empty(keys[0].Intersect(keys[1]));
        Assert.Equal(10, keys.SelectMany(k => k).Distinct().Count());
        var coverage = JsonNode.Parse(File.ReadAllText(Path.Combine(output, EvaluationDirectory.MetricsFile)))!["coverage"]!;
        Assert.True(coverage["complete"]!.GetValue<bool>());
        Assert.Equal(10, coverage["recorded"]!.GetValue<int>());
        Assert.Contains(results, r => r.Output.Contains("all 2 shards complete; the metrics merge them"));
    }

    [TinyModelFact]
    public async Task TinyGgufBbqShardsMergeToTheSequentialRunAndAMissingShardIsReported()
    {
        string data = BbqResponder.WriteData(perCategory: 3);
        string root = Fixtures.TemporaryDirectory();
        string sharded = Path.Combine(root, "sharded"), sequential = Path.Combine(root, "sequential");
        string[] Args(string output, params string[] extra) => ["eval", "bbq", "--data", data, "--strategy", "none", "--out", output, .. TinyModel, .. extra];

        var first = await CliRunner.RunAsync(Args(sharded, "--shard", "0/2"));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("3/3 samples recorded", first.Output);
        Assert.Contains("incomplete: shard(s) missing: 1/2", first.Output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(sharded, EvaluationDirectory.MetricsFile)))!;
        Assert.False(metrics["coverage"]!["complete"]!.GetValue<bool>());
        Assert.Equal([1], metrics["coverage"]!["shards"]!["missing"]!.AsArray().Select(i => i!.GetValue<int>()));
        var report = await CliRunner.RunAsync("report", sharded);
        Assert.Contains("incomplete: sharded: shard(s) missing: 1/2", report.Output);
        Assert.Contains("NO (shard(s) missing: 1/2)", File.ReadAllText(Path.Combine(sharded, "report.md")));
        var scoredEarly = await CliRunner.RunAsync("eval", "bbq", "score", "--data", data, "--responses", sharded);
        Assert.True(scoredEarly.ExitCode == 0, scoredEarly.Error);
        Assert.Contains("scored 3 records", scoredEarly.Output);
        Assert.Contains("incomplete: shard(s) missing: 1/2", scoredEarly.Output);
        // Another shard count is another run: refused, naming the difference.
        (await CliRunner.RunAsync(Args(sharded, "--shard", "0/3"))).AssertOneLineUsageError("shards: 2 in the directory vs 3 now");

        var second = await CliRunner.RunAsync(Args(sharded, "--shard", "1/2"));
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("all 2 shards complete", second.Output);
        var whole = await CliRunner.RunAsync(Args(sequential));
        Assert.True(whole.ExitCode == 0, whole.Error);

        var merged = Enumerable.Range(0, 2).SelectMany(i => ResponsesFile.ReadAll(Path.Combine(sharded, $"responses.shard-{i}-of-2.jsonl"), SampleKeyFormat.Bbq))
            .ToDictionary(r => r.Key, r => r.Value.Initial);
        var alone = ResponsesFile.ReadAll(Path.Combine(sequential, BbqRun.ResponsesFileName), SampleKeyFormat.Bbq).ToDictionary(r => r.Key, r => r.Value.Initial);
        Assert.Equal(alone.OrderBy(p => p.Key), merged.OrderBy(p => p.Key));
        JsonNode Body(string directory)
        {
            var node = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, EvaluationDirectory.MetricsFile)))!.AsObject();
            // Rescoring records no protocol deviations (it never calls a model): compare the metrics themselves.
            node.Remove("coverage");
            node.Remove("protocol_deviations");
            return node;
        }
        Assert.True(JsonNode.DeepEquals(Body(sequential), Body(sharded)));
        var scored = await CliRunner.RunAsync("eval", "bbq", "score", "--data", data, "--responses", sharded);
        Assert.Contains("scored 6 records", scored.Output);
        Assert.Contains("all 2 shards complete", scored.Output);
        Assert.True(JsonNode.DeepEquals(Body(sequential), Body(sharded)));
    }

    [Fact]
    public async Task OverrefusalShardsMergeInScoreFromTheRunDirectory()
    {
        string output = Path.Combine(Fixtures.TemporaryDirectory(), "run");
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (_, _) => new LoopbackChatServer.Answer("Sure, here is how."));
        string[] Args(int shard) => ["eval", "overrefusal", "--data", TestData.XsTestPrompts, "--limit", "5", "--defenses", "none,reminder",
            "--model", "openai:loopback-model", "--endpoint", server.BaseUri.ToString(), "--api-key-env", KeyVariable, "--out", output, "--shard", $"{shard}/2"];
        var first = await CliRunner.RunAsync(Args(1));
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("4/4 samples recorded", first.Output);
        var early = await CliRunner.RunAsync("eval", "overrefusal", "score", "--data", TestData.XsTestPrompts, "--responses", output);
        Assert.Contains("scored 4 records", early.Output);
        Assert.Contains("incomplete: shard(s) missing: 0/2", early.Output);
        Assert.True((await CliRunner.RunAsync(Args(0))).ExitCode == 0);
        Assert.Equal(3, CliRunner.LineCount(Path.Combine(output, ShardFile(DefenseRun.ResponsesFileName("none"), 0))));
        var scored = await CliRunner.RunAsync("eval", "overrefusal", "score", "--data", TestData.XsTestPrompts, "--responses", output);
        Assert.True(scored.ExitCode == 0, scored.Error);
        Assert.Contains("scored 10 records", scored.Output);
        Assert.Contains("all 2 shards complete", scored.Output);
    }

    private static string ShardFile(string fileName, int index) => ShardedRecords.FileName(fileName, new Common.Shard(index, 2));
}
