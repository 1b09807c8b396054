using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Common;

namespace SelfCorrect.Cli.Tests;

/// <summary>
/// Every lab command writes into a run directory of its own kind (<see cref="RunDirectory"/>): --force replaces only a
/// run of the same kind, a folder of anything else is never touched, and a directory another process holds is refused.
/// </summary>
public class IcaRunDirectoryTests
{
    private static readonly string[] Tiny = ["--preset", "tiny", "--set", "training.steps=2", "--set", "evaluation.contexts=16"];

    /// <summary>A cheap invocation of each lab command that writes into <paramref name="directory"/>.</summary>
    private static string[] Command(string kind, string directory) => kind switch
    {
        "train" => ["ica", "train", .. Tiny, "--out", directory],
        "baselines" => ["ica", "baselines", "--n", "3", "--d", "2", "--contexts", "8", "--out", directory],
        "construct" => ["ica", "construct", "--n", "3", "--contexts", "8", "--threads", "1", "--out", directory],
        "sweep" => ["ica", "sweep", "--preset", WriteSweep(), "--seeds", "1", "--threads", "1", "--out", directory],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string WriteSweep()
    {
        string directory = CliRunner.TemporaryDirectory();
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "micro.yaml");
        File.WriteAllText(path, "base: tiny\ntasks: [reference]\nconfigurations:\n  - name: only\n    set: {training.steps: 2}\n");
        return path;
    }

    [Theory]
    [InlineData("train")]
    [InlineData("baselines")]
    [InlineData("construct")]
    [InlineData("sweep")]
    public async Task ForceOnAFolderOfUserFilesDeletesNothingAndExitsTwo(string kind)
    {
        string folder = CliRunner.TemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "keep me");
        File.WriteAllText(Path.Combine(folder, "data", "table.csv"), "a,b\n");
        var entriesBefore = Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order().ToList();

        var result = await CliRunner.RunAsync([.. Command(kind, folder), "--force"]);

        result.AssertOneLineUsageError("--out: ");
        Assert.Contains("holds files that are not a selfcorrect", result.Error);
        Assert.DoesNotContain("--force", result.Error);            // --force would not help: it replaces runs only
        Assert.Equal(entriesBefore, Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order());
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(folder, "notes.txt")));
    }

    [Fact]
    public async Task ForceReplacesOnlyARunOfTheSameKind()
    {
        string directory = CliRunner.TemporaryDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync(Command("construct", directory))).ExitCode);
        string errors = File.ReadAllText(Path.Combine(directory, "errors.csv"));

        // A construction experiment is not a baseline evaluation: --force does not replace it.
        var other = await CliRunner.RunAsync([.. Command("baselines", directory), "--force"]);
        other.AssertOneLineUsageError("holds files that are not a selfcorrect baseline evaluation");
        Assert.Equal(errors, File.ReadAllText(Path.Combine(directory, "errors.csv")));

        // Without --force the same kind is refused, naming --force; with it, replaced.
        (await CliRunner.RunAsync(Command("construct", directory))).AssertOneLineUsageError("set --force to replace it");
        File.WriteAllText(Path.Combine(directory, "stale.txt"), "from the old run");
        Assert.Equal(0, (await CliRunner.RunAsync([.. Command("construct", directory), "--force"])).ExitCode);
        Assert.False(File.Exists(Path.Combine(directory, "stale.txt")));
        Assert.Equal(errors, File.ReadAllText(Path.Combine(directory, "errors.csv")));   // same seed, same numbers
    }

    [Fact]
    public async Task ASecondTrainerIsRefusedWhileTheFirstHoldsTheRunDirectory()
    {
        string run = CliRunner.TemporaryDirectory();
        using (RunDirectory.Create(run, LabRuns.Training, replace: false))
        {
            foreach (string[] flags in new[] { Array.Empty<string>(), ["--force"] })
            {
                var second = await CliRunner.RunAsync([.. Command("train", run), .. flags]);
                second.AssertOneLineUsageError($"--out: directory '{run}' is in use by another selfcorrect process");
            }
            (await CliRunner.RunAsync("ica", "train", "--out", run, "--resume")).AssertOneLineUsageError("--out: ");
            (await CliRunner.RunAsync("ica", "eval", "--run", run)).AssertOneLineUsageError($"--run: directory '{run}' is in use");
            Assert.False(File.Exists(Path.Combine(run, LabRuns.ConfigFile)));
        }
        // Once the first lets go, the directory is a training run the next trainer may replace.
        (await CliRunner.RunAsync(Command("train", run))).AssertOneLineUsageError("set --force to replace it");
        var trained = await CliRunner.RunAsync([.. Command("train", run), "--force"]);
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.True(File.Exists(Path.Combine(run, LabRuns.ConfigFile)));
    }

    [Fact]
    public async Task ResumeAndForceExcludeEachOther()
    {
        string run = CliRunner.TemporaryDirectory();
        (await CliRunner.RunAsync([.. Command("train", run), "--resume", "--force"])).AssertOneLineUsageError("--resume: cannot be combined with --force");
        Assert.False(Directory.Exists(run));
    }
}
