using Xunit.Abstractions;
using System.Security.Cryptography;
using SelfCorrect.Evaluation.Bbq;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Cli.Tests;

/// <summary>
/// Bad input and a failing environment, through the real CLI: every case must end with its exit code (2 bad input,
/// 3 environment) and exactly one line on standard error that names the option, file, line or key, without a stack
/// trace or a secret, and must leave every file that existed before exactly as it was.
/// </summary>
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    private const string KeyVariable = "SELFCORRECT_FAULT_SUITE_KEY";
    private const string Key = "fault-suite-secret-0123456789";
    private const int Usage = CliApp.UsageErrorExitCode;
    private const int Environment = CliApp.EnvironmentErrorExitCode;

    static FaultSuiteTests() => System.Environment.SetEnvironmentVariable(KeyVariable, Key);

    /// <summary>A fresh directory per case, with the inputs a case may point at.</summary>
    public sealed class Root
    {
        public string Path { get; } = Fixtures.TemporaryDirectory();
        public string Of(string name) => System.IO.Path.Combine(Path, name);

        public string Write(string name, string contents)
        {
            string path = Of(name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, contents);
            return path;
        }

        /// <summary>A plain file (for "path is a file" and "path under a file").</summary>
        public string PlainFile => Write("plain.txt", "not a directory\n");

        /// <summary>A folder of the user's own files that was never a run.</summary>
        public string UserFolder
        {
            get
            {
                Write("mine/notes.txt", "keep me\n");
                return Of("mine");
            }
        }

        public string BbqData
        {
            get
            {
                string directory = Directory.CreateDirectory(Of("bbq")).FullName;
                foreach (string category in new[] { "Age", "SES" })
                    Fixtures.WriteJsonLines(directory, $"{category}.jsonl", Enumerable.Range(0, 2)
                        .Select(i => Fixtures.BbqRow(category, i, "neg", "ambig", 2)));
                return directory;
            }
        }

        public string AdvBench => Fixtures.WriteAdvBench(Path, 3);

        public string BbqResponses => Write("responses.jsonl", "{\"category\": \"Age\", \"example_id\": 0, \"initial\": \"The answer is (c).\"}\n");

        /// <summary>A copy of a finished tiny training run (trained once for the whole suite).</summary>
        public async Task<string> TrainedRun()
        {
            string copy = Of("run");
            CopyDirectory(await SharedRun.Value, copy);
            return copy;
        }

        public async Task<string> CheckpointOf(Func<byte[], byte[]> change)
        {
            string run = await TrainedRun();
            string checkpoint = System.IO.Path.Combine(run, "checkpoint.bin");
            File.WriteAllBytes(checkpoint, change(File.ReadAllBytes(checkpoint)));
            return run;
        }
    }

    private static readonly Lazy<Task<string>> SharedRun = new(async () =>
    {
        string run = CliRunner.TemporaryDirectory();
        var result = await CliRunner.RunAsync("ica", "train", "--preset", "tiny", "--set", "training.steps=2", "--set", "training.checkpoint_every=1",
            "--set", "evaluation.contexts=16", "--set", "evaluation.noise_levels=[0]", "--threads", "1", "--out", run);
        Assert.True(result.ExitCode == 0, result.Error);
        return run;
    });

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string[] Model(params string[] extra) =>
        ["--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1", "--api-key-env", KeyVariable, "--max-retries", "0", "--timeout", "2", .. extra];

    private static string[] Bbq(Root root, params string[] extra) => ["eval", "bbq", "--data", root.BbqData, .. Model(), .. extra];

    private static string[] Jailbreak(Root root, params string[] extra) => ["eval", "jailbreak", "--data", root.AdvBench, .. Model(), .. extra];

    private static readonly string[] TinyPreset = ["--preset", "tiny", "--set", "training.steps=2", "--threads", "1"];

    /// <summary>One bad input: how to set it up (returns the arguments), the exit code, and what its one line must contain ({root}: the case's directory).</summary>
    public sealed record Case(Func<Root, Task<string[]>> Arguments, int ExitCode, string Expected);

    private static Case Sync(Func<Root, string[]> arguments, int exitCode, string expected) => new(root => Task.FromResult(arguments(root)), exitCode, expected);

    public static readonly Dictionary<string, Case> Cases = new()
    {
        // Parsing and options.
        ["unknown command"] = Sync(_ => ["frobnicate"], Usage, "frobnicate"),
        ["unknown option"] = Sync(_ => ["ica", "run", "--bogus"], Usage, "--bogus"),
        ["option without value"] = Sync(_ => ["ica", "train", "--out"], Usage, "--out"),
        ["not a number"] = Sync(_ => ["ica", "baselines", "--n", "many"], Usage, "--n"),
        ["unknown preset"] = Sync(_ => ["ica", "run", "--preset", "nonexistent"], Usage, "--preset: unknown preset 'nonexistent'"),
        ["--set unknown key"] = Sync(r => ["ica", "run", .. TinyPreset, "--set", "model.layerz=2", "--out", r.Of("run")], Usage, "--set: 'model.layerz=2': model.layerz: unknown key"),
        ["--set not key=value"] = Sync(r => ["ica", "run", .. TinyPreset, "--set", "training.steps", "--out", r.Of("run")], Usage, "--set: expected key.path=value"),
        ["--set wrong type"] = Sync(r => ["ica", "run", .. TinyPreset, "--set", "model.layers=two", "--out", r.Of("run")], Usage, "--set: 'model.layers=two': model.layers: expected an integer, got 'two'"),
        ["--set invalid value"] = Sync(r => ["ica", "train", .. TinyPreset, "--set", "model.heads=3", "--out", r.Of("run")], Usage, "--set: model.heads: 3 heads do not divide width 32"),
        ["preset file wrong type"] = Sync(r => ["ica", "train", "--preset", r.Write("bad.yaml", "inherit: tiny\ntraining:\n  steps: many\n"), "--out", r.Of("run")], Usage, "bad.yaml:3: training.steps: expected an integer, got 'many'"),
        ["preset file unknown key"] = Sync(r => ["ica", "train", "--preset", r.Write("bad.yaml", "modle: {layers: 3}\n"), "--out", r.Of("run")], Usage, "bad.yaml:1: modle: unknown key"),
        ["preset file not YAML"] = Sync(r => ["ica", "train", "--preset", r.Write("bad.yaml", "model: [1, 2\n"), "--out", r.Of("run")], Usage, "bad.yaml"),
        ["baselines bad value"] = Sync(r => ["ica", "baselines", "--n", "1", "--out", r.Of("b")], Usage, "--n"),
        ["sweep unknown"] = Sync(r => ["ica", "sweep", "--preset", "nonexistent", "--out", r.Of("s")], Usage, "nonexistent"),
        // Lab run directories and checkpoints.
        ["ica run into a user folder"] = Sync(r => ["ica", "run", .. TinyPreset, "--out", r.UserFolder], Usage, "{root}/mine"),
        ["ica run --force on a user folder"] = Sync(r => ["ica", "run", .. TinyPreset, "--out", r.UserFolder, "--force"], Usage, "{root}/mine"),
        ["ica sweep --force on a user folder"] = Sync(r => ["ica", "sweep", "--preset", "depth-quick", "--out", r.UserFolder, "--force"], Usage, "{root}/mine"),
        ["ica run --out is a file"] = Sync(r => ["ica", "run", .. TinyPreset, "--out", r.PlainFile], Usage, "{root}/plain.txt"),
        ["ica run --out under a file"] = Sync(r => ["ica", "run", .. TinyPreset, "--out", r.PlainFile + "/run"], Environment, "{root}/plain.txt"),
        ["ica run --out not permitted"] = Sync(_ => ["ica", "run", .. TinyPreset, "--out", "/sys/selfcorrect-fault-suite"], Environment, "/sys/selfcorrect-fault-suite"),
        ["ica eval missing run"] = Sync(r => ["ica", "eval", "--run", r.Of("nowhere")], Usage, "{root}/nowhere"),
        ["ica train --resume missing run"] = Sync(r => ["ica", "train", "--out", r.Of("nowhere"), "--resume"], Usage, "{root}/nowhere"),
        ["ica eval truncated checkpoint"] = new(r => r.CheckpointOf(b => b[..^50]).ContinueWith(t => new[] { "ica", "eval", "--run", t.Result }), Usage, "{root}/run/checkpoint.bin: checkpoint is truncated"),
        ["ica noise corrupted checkpoint"] = new(r => r.CheckpointOf(Flip).ContinueWith(t => new[] { "ica", "noise", "--run", t.Result }), Usage, "{root}/run/checkpoint.bin: checkpoint is corrupted"),
        ["ica train --resume corrupted checkpoint"] = new(r => r.CheckpointOf(Flip).ContinueWith(t => new[] { "ica", "train", "--out", t.Result, "--resume" }), Usage, "{root}/run/checkpoint.bin: checkpoint is corrupted"),
        ["ica eval checkpoint with extra bytes"] = new(r => r.CheckpointOf(b => [.. b, 0]).ContinueWith(t => new[] { "ica", "eval", "--run", t.Result }), Usage, "{root}/run/checkpoint.bin: checkpoint has 1 bytes after its payload"),
        ["ica eval old-format checkpoint"] = new(r => r.CheckpointOf(_ => OldFormat()).ContinueWith(t => new[] { "ica", "eval", "--run", t.Result }), Usage, "{root}/run/checkpoint.bin: checkpoint of format 1 has no checksum"),
        ["ica eval not a checkpoint"] = new(r => r.CheckpointOf(_ => "torn"u8.ToArray()).ContinueWith(t => new[] { "ica", "eval", "--run", t.Result }), Usage, "{root}/run/checkpoint.bin: not a SelfCorrect checkpoint"),
        // Chat.
        ["chat missing GGUF file"] = Sync(r => ["chat", "--model", $"gguf:{r.Of("missing.gguf")}", "--prompt", "hi"], Usage, "{root}/missing.gguf"),
        ["chat unknown backend"] = Sync(_ => ["chat", "--model", "bogus:x", "--prompt", "hi"], Usage, "--model"),
        ["chat openai without endpoint"] = Sync(_ => ["chat", "--model", "openai:m", "--api-key-env", KeyVariable, "--prompt", "hi"], Usage, "--endpoint"),
        ["chat endpoint not a URL"] = Sync(_ => ["chat", "--model", "openai:m", "--endpoint", "not-a-url", "--api-key-env", KeyVariable, "--prompt", "hi"], Usage, "--endpoint"),
        ["chat unreachable server with credentials in the URL"] = Sync(_ => ["chat", "--model", "openai:m", "--endpoint", $"http://alice:pw-in-url@127.0.0.1:9/v1?api_key={Key}",
            "--api-key-env", KeyVariable, "--max-retries", "0", "--timeout", "2", "--prompt", "hi"], Usage, "127.0.0.1"),
        ["chat negative temperature"] = Sync(_ => ["chat", "--model", "openai:m", "--endpoint", "http://127.0.0.1:9/v1", "--api-key-env", KeyVariable, "--temperature", "-1", "--prompt", "hi"], Usage, "--temperature"),
        // BBQ.
        ["bbq missing data"] = Sync(r => ["eval", "bbq", "--data", r.Of("nowhere"), .. Model()], Usage, "{root}/nowhere"),
        ["bbq malformed data line"] = Sync(r => ["eval", "bbq", "--data", r.Write("data/Age.jsonl", "{\"category\": \"Age\"\n"), .. Model()], Usage, "{root}/data/Age.jsonl:1"),
        ["bbq unknown strategy"] = Sync(r => Bbq(r, "--strategy", "bogus", "--out", r.Of("out")), Usage, "--strategy"),
        ["bbq rounds 0"] = Sync(r => Bbq(r, "--strategy", "cac", "--rounds", "0", "--out", r.Of("out")), Usage, "--rounds"),
        ["bbq concurrency 0"] = Sync(r => Bbq(r, "--concurrency", "0", "--out", r.Of("out")), Usage, "--concurrency"),
        ["bbq sync-every 0"] = Sync(r => Bbq(r, "--sync-every", "0", "--out", r.Of("out")), Usage, "--sync-every: must be ≥ 1"),
        ["bbq sync-seconds negative"] = Sync(r => Bbq(r, "--sync-seconds", "-1", "--out", r.Of("out")), Usage, "--sync-seconds: must be a number ≥ 0"),
        ["bbq unknown condition"] = Sync(r => Bbq(r, "--condition", "sometimes", "--out", r.Of("out")), Usage, "--condition"),
        ["bbq presets wrong type"] = Sync(r => Bbq(r, "--presets", r.Write("presets.yaml", "bbq_check_prompt:\n  nested: 1\n"), "--out", r.Of("out")), Usage, "presets.yaml:2"),
        ["bbq presets unknown key"] = Sync(r => Bbq(r, "--presets", r.Write("presets.yaml", "bbq_check_promt: x\n"), "--out", r.Of("out")), Usage, "presets.yaml:1: bbq_check_promt"),
        ["bbq into a user folder"] = Sync(r => Bbq(r, "--out", r.UserFolder), Usage, "{root}/mine"),
        ["bbq --force on a user folder"] = Sync(r => Bbq(r, "--out", r.UserFolder, "--force"), Usage, "{root}/mine"),
        ["bbq --out under a file"] = Sync(r => Bbq(r, "--out", r.PlainFile + "/out"), Environment, "{root}/plain.txt"),
        ["bbq score missing responses"] = Sync(r => ["eval", "bbq", "score", "--data", r.BbqData, "--responses", r.Of("nowhere.jsonl")], Usage, "{root}/nowhere.jsonl"),
        ["bbq score malformed responses"] = Sync(r => ["eval", "bbq", "score", "--data", r.BbqData, "--responses", r.Write("responses.jsonl", "{\"category\": \"Age\", \"example_id\": 0}\n{oops\n{}\n")], Usage, "{root}/responses.jsonl:1: missing field 'initial'"),
        ["bbq score --out is a file"] = Sync(r => ["eval", "bbq", "score", "--data", r.BbqData, "--responses", r.BbqResponses, "--out", r.PlainFile], Usage, "--out: '{root}/plain.txt' is a file, not a directory"),
        // Jailbreak.
        ["jailbreak unknown defence"] = Sync(r => Jailbreak(r, "--defenses", "bogus", "--out", r.Of("out")), Usage, "--defenses"),
        ["jailbreak suffix attack without --suffix"] = Sync(r => Jailbreak(r, "--attack", "suffix", "--out", r.Of("out")), Usage, "--suffix"),
        ["jailbreak missing attack log"] = Sync(r => Jailbreak(r, "--attack", $"gcg:{r.Of("gcg.json")}", "--out", r.Of("out")), Usage, "{root}/gcg.json"),
        ["jailbreak limit 0"] = Sync(r => Jailbreak(r, "--limit", "0", "--out", r.Of("out")), Usage, "--limit"),
        ["jailbreak data without goal column"] = Sync(r => ["eval", "jailbreak", "--data", r.Write("bad.csv", "prompt,target\nx,y\n"), .. Model(), "--out", r.Of("out")], Usage, "{root}/bad.csv"),
        ["jailbreak missing judge file"] = Sync(r => Jailbreak(r, "--judge", $"file:{r.Of("refusals.txt")}", "--out", r.Of("out")), Usage, "{root}/refusals.txt"),
        ["jailbreak score llm judge without endpoint"] = Sync(r => ["eval", "jailbreak", "score", "--data", r.AdvBench, "--responses", r.Write("responses-none.jsonl", "{\"index\": 0, \"initial\": \"Sure\"}\n"),
            "--judge", "llm:openai:judge", "--api-key-env", KeyVariable], Usage, "--judge-endpoint"),
        ["jailbreak score malformed responses"] = Sync(r => ["eval", "jailbreak", "score", "--data", r.AdvBench, "--responses", r.Write("responses-none.jsonl", "{\"index\": \"zero\"}\n")], Usage, "{root}/responses-none.jsonl:1"),
        // Reports.
        ["report missing run"] = Sync(r => ["report", r.Of("nowhere")], Usage, "{root}/nowhere"),
        ["report --out under a file"] = new(async r =>
        {
            Assert.Equal(0, (await CliRunner.RunAsync("eval", "bbq", "score", "--data", r.BbqData, "--responses", r.BbqResponses, "--out", r.Of("scored"))).ExitCode);
            return ["report", r.Of("scored"), "--out", r.PlainFile + "/report"];
        }, Environment, "{root}/plain.txt"),
        ["report --out is a file"] = new(async r =>
        {
            Assert.Equal(0, (await CliRunner.RunAsync("eval", "bbq", "score", "--data", r.BbqData, "--responses", r.BbqResponses, "--out", r.Of("scored"))).ExitCode);
            return ["report", r.Of("scored"), "--out", r.PlainFile];
        }, Environment, "{root}/plain.txt"),
        ["bbq --out is a file"] = Sync(r => Bbq(r, "--out", r.PlainFile), Usage, "--out: '{root}/plain.txt' is a file, not a directory"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static byte[] Flip(byte[] checkpoint)
    {
        byte[] changed = (byte[])checkpoint.Clone();
        changed[^20] ^= 0x01;
        return changed;
    }

    private static byte[] OldFormat()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream)) writer.Write("SelfCorrect.Checkpoint/1");
        return [.. stream.ToArray(), .. new byte[64]];
    }

    [Fact]
    public void TheSuiteHasAtLeastFortyCases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BadInputIsOneLineWithItsExitCodeAndChangesNothing(string name)
    {
        var fault = Cases[name];
        var root = new Root();
        string[] arguments = await fault.Arguments(root);
        var before = Snapshot(root.Path);

        var result = await CliRunner.RunAsync(arguments);

        output.WriteLine($"| {name} | {result.ExitCode} | {result.Error.Trim().Replace(root.Path, "ROOT")} |");
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(result.ExitCode == fault.ExitCode, $"exit {result.ExitCode}: {line}");
        Assert.StartsWith("error: ", line);
        Assert.True(line.Contains(fault.Expected.Replace("{root}", root.Path), StringComparison.Ordinal), line);
        Assert.DoesNotContain(" at SelfCorrect.", line);
        Assert.DoesNotContain(Key, result.Error + result.Output);
        Assert.DoesNotContain("pw-in-url", result.Error + result.Output);
        if (name.Contains("user folder")) Assert.DoesNotContain("--force", line);
        var after = Snapshot(root.Path);
        Assert.All(before, file => Assert.True(after.TryGetValue(file.Key, out string? hash) && hash == file.Value, $"{file.Key} changed or was removed"));
    }

    /// <summary>Disk full while a run writes (failures.log on /dev/full): one line naming the file, exit 3, the records kept, and the next run resumes.</summary>
    [Fact]
    public async Task DiskFullDuringAnEvaluation_IsOneLine_KeepsTheRecords_AndTheRerunResumes()
    {
        if (!File.Exists("/dev/full")) return;
        var root = new Root();
        string data = root.BbqData;
        string output = root.Of("out");
        bool failOne = true;
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) =>
            failOne && message.Contains("(SES 1)", StringComparison.Ordinal) ? new LoopbackChatServer.Status(400) : BbqResponder.Answer(message));
        string[] arguments = ["eval", "bbq", "--data", data, "--model", "openai:m", "--endpoint", server.BaseUri.ToString(), "--api-key-env", KeyVariable,
            "--max-retries", "0", "--strategy", "none", "--concurrency", "1", "--out", output];
        Directory.CreateDirectory(output);
        File.CreateSymbolicLink(Path.Combine(output, EvaluationDirectory.FailuresFile), "/dev/full");
        File.WriteAllText(Path.Combine(output, ".selfcorrect-run"), EvaluationDirectory.RunKind.Name + "\n");

        var full = await CliRunner.RunAsync(arguments);

        string line = Assert.Single(full.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(full.ExitCode == Environment, line);
        Assert.Contains(Path.Combine(output, EvaluationDirectory.FailuresFile), line);
        var kept = ResponsesFile.ReadAll(Path.Combine(output, BbqRun.ResponsesFileName), SampleKeyFormat.Bbq);
        Assert.NotEmpty(kept);
        Assert.DoesNotContain(kept, r => r.Key == "SES/1");

        File.Delete(Path.Combine(output, EvaluationDirectory.FailuresFile));
        failOne = false;
        var rerun = await CliRunner.RunAsync(arguments);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Contains($"{kept.Count} samples already done", rerun.Output);
        Assert.Equal(4, ResponsesFile.ReadAll(Path.Combine(output, BbqRun.ResponsesFileName), SampleKeyFormat.Bbq).Count);
    }

    /// <summary>Credentials in the endpoint and the API key never reach settings.json, failures.log or the console.</summary>
    [Fact]
    public async Task CredentialsInTheEndpoint_AreMaskedInTheRunFilesAndTheOutput()
    {
        var root = new Root();
        await using var server = await LoopbackChatServer.StartAsync(TimeSpan.Zero, (message, _) => new LoopbackChatServer.Status(401));
        var endpoint = new UriBuilder(server.BaseUri) { UserName = "alice", Password = "pw-in-url", Query = $"api_key={Key}&model=x" }.Uri;
        string output = root.Of("out");
        var result = await CliRunner.RunAsync("eval", "bbq", "--data", root.BbqData, "--model", "openai:m", "--endpoint", endpoint.ToString(),
            "--api-key-env", KeyVariable, "--max-retries", "0", "--max-failures", "1", "--concurrency", "1", "--strategy", "none", "--out", output);

        Assert.True(result.ExitCode == 1, result.Error + result.Output);
        string settings = File.ReadAllText(Path.Combine(output, EvaluationDirectory.SettingsFile));
        string failures = File.ReadAllText(Path.Combine(output, EvaluationDirectory.FailuresFile));
        Assert.Contains("://***@", settings);
        Assert.Contains("api_key=***", settings);
        Assert.NotEmpty(failures);
        foreach (string text in new[] { settings, failures, result.Output, result.Error })
        {
            Assert.DoesNotContain("pw-in-url", text);
            Assert.DoesNotContain(Key, text);
        }
    }

    /// <summary>Every file under <paramref name="directory"/> (hidden ones too), relative path → SHA-256.</summary>
    private static Dictionary<string, string> Snapshot(string directory) =>
        !Directory.Exists(directory) ? [] : Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(path => !new FileInfo(path).Attributes.HasFlag(FileAttributes.ReparsePoint))
            .ToDictionary(path => Path.GetRelativePath(directory, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
