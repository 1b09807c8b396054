namespace SelfCorrect.Common.Tests;

public sealed class RunDirectoryTests
{
    private static readonly RunKind Training = new("training run");
    private static readonly RunKind Evaluation = new("evaluation run", "settings.json");

    /// <summary>How the CLI names the settings: the error a user reads.</summary>
    private static string AsUserReadsIt(InvalidSettingException error) =>
        error.Describe(name => name switch { "Directory" => "--out", "Replace" => "--force", _ => name });

    [Fact]
    public void Create_NewDirectory_IsMarkedAsARunOfItsKind()
    {
        using var parent = new TemporaryDirectory();
        string path = parent.PathOf("run");

        using (var run = RunDirectory.Create(path, Training, replace: false))
        {
            Assert.False(run.Existed);
            Assert.Equal(Path.Combine(path, "model.bin"), run.PathOf("model.bin"));
        }

        Assert.Equal("training run\n", File.ReadAllText(Path.Combine(path, RunDirectory.MarkerFile)));
        Assert.True(RunDirectory.Holds(path, Training));
        Assert.False(RunDirectory.Holds(path, Evaluation));
    }

    [Fact]
    public void Create_EmptyDirectory_IsUsed()
    {
        using var directory = new TemporaryDirectory();

        using var run = RunDirectory.Create(directory.Path, Training, replace: false);

        Assert.True(RunDirectory.Holds(directory.Path, Training));
    }

    [Fact]
    public void CreateOrContinue_RunOfTheSameKind_ContinuesWithItsFiles()
    {
        using var directory = new TemporaryDirectory();
        using (var first = RunDirectory.CreateOrContinue(directory.Path, Training, replace: false))
            File.WriteAllText(first.PathOf("records.jsonl"), "{}\n");

        using var second = RunDirectory.CreateOrContinue(directory.Path, Training, replace: false);

        Assert.True(second.Existed);
        Assert.Equal("{}\n", File.ReadAllText(second.PathOf("records.jsonl")));
    }

    [Fact]
    public void CreateOrContinue_EarlierMarker_IsARunOfThatKind()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.PathOf("settings.json"), "{}");

        using var run = RunDirectory.CreateOrContinue(directory.Path, Evaluation, replace: false);

        Assert.True(run.Existed);
        Assert.Equal("{}", File.ReadAllText(directory.PathOf("settings.json")));
    }

    [Fact]
    public void Replace_RunOfTheSameKind_RemovesItsContents()
    {
        using var directory = new TemporaryDirectory();
        using (var first = RunDirectory.Create(directory.Path, Training, replace: false))
        {
            File.WriteAllText(first.PathOf("records.jsonl"), "{}\n");
            Directory.CreateDirectory(first.PathOf("checkpoints"));
            File.WriteAllText(Path.Combine(first.PathOf("checkpoints"), "step-1.bin"), "weights");
        }

        using (var replaced = RunDirectory.CreateOrContinue(directory.Path, Training, replace: true))
            Assert.False(replaced.Existed);
        using (RunDirectory.Create(directory.Path, Training, replace: true)) { }

        Assert.Equal([RunDirectory.LockFile, RunDirectory.MarkerFile], Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(RunDirectory.Holds(directory.Path, Training));
    }

    [Fact]
    public void Create_ExistingRunWithoutReplace_IsRefused_NamingTheReplaceSetting()
    {
        using var directory = new TemporaryDirectory();
        using (var run = RunDirectory.Create(directory.Path, Training, replace: false))
            File.WriteAllText(run.PathOf("records.jsonl"), "{}\n");
        var before = directory.Snapshot();

        var error = Assert.Throws<InvalidSettingException>(() => RunDirectory.Create(directory.Path, Training, replace: false));

        Assert.Equal("Directory", error.Setting);
        Assert.Equal($"--out: '{directory.Path}' already holds a selfcorrect training run; set --force to replace it or choose another directory", AsUserReadsIt(error));
        Assert.Equal(before, directory.Snapshot());
    }

    [Fact]
    public void Replace_RunOfAnotherKind_IsRefused_AndLeftUntouched()
    {
        using var directory = new TemporaryDirectory();
        using (var run = RunDirectory.Create(directory.Path, Training, replace: false))
            File.WriteAllText(run.PathOf("model.bin"), "weights");
        var before = directory.Snapshot();

        var error = Assert.Throws<InvalidSettingException>(() => RunDirectory.CreateOrContinue(directory.Path, Evaluation, replace: true));

        Assert.Contains("holds files that are not a selfcorrect evaluation run", error.Message);
        Assert.Equal(before, directory.Snapshot());
    }

    [Fact]
    public void FolderOfUserFiles_IsRefusedEvenWithReplace_Untouched_WithoutSuggestingReplace()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.PathOf("thesis.tex"), "three years of work");
        Directory.CreateDirectory(directory.PathOf("figures"));
        File.WriteAllText(directory.PathOf("figures", "plot.svg"), "<svg/>");
        var before = directory.Snapshot();

        foreach (bool replace in new[] { false, true })
        {
            var error = Assert.Throws<InvalidSettingException>(() => RunDirectory.CreateOrContinue(directory.Path, Evaluation, replace));
            Assert.Equal($"--out: '{directory.Path}' holds files that are not a selfcorrect evaluation run; choose an empty or new directory", AsUserReadsIt(error));
            Assert.DoesNotContain("--force", AsUserReadsIt(error));
            error = Assert.Throws<InvalidSettingException>(() => RunDirectory.Create(directory.Path, Evaluation, replace));
            Assert.DoesNotContain("--force", AsUserReadsIt(error));
        }

        // The lock file is the only trace.
        Assert.Equal(before, directory.Snapshot().Where(file => file.Key != RunDirectory.LockFile).ToDictionary());
    }

    [Fact]
    public void LockHeld_SecondOpenIsRefused_UntilTheFirstIsDisposed()
    {
        using var directory = new TemporaryDirectory();
        var first = RunDirectory.CreateOrContinue(directory.Path, Training, replace: false);
        File.WriteAllText(first.PathOf("records.jsonl"), "{}\n");

        var error = Assert.Throws<InvalidSettingException>(() => RunDirectory.CreateOrContinue(directory.Path, Training, replace: true));
        Assert.Equal($"--out: directory '{directory.Path}' is in use by another selfcorrect process", AsUserReadsIt(error));
        Assert.Throws<InvalidSettingException>(() => RunDirectory.OpenExisting(directory.Path, Training));
        Assert.Throws<InvalidSettingException>(() => DirectoryLock.Take(directory.Path));
        Assert.Equal("{}\n", File.ReadAllText(first.PathOf("records.jsonl")));

        first.Dispose();
        using var second = RunDirectory.CreateOrContinue(directory.Path, Training, replace: false);
        Assert.True(second.Existed);
    }

    [Fact]
    public void PathIsAFile_IsRefused_AndLeftUntouched()
    {
        using var directory = new TemporaryDirectory();
        string file = directory.PathOf("results");
        File.WriteAllText(file, "user data");

        var error = Assert.Throws<InvalidSettingException>(() => RunDirectory.CreateOrContinue(file, Training, replace: true, setting: "OutDirectory"));

        Assert.Equal("OutDirectory", error.Setting);
        Assert.Equal($"OutDirectory: '{file}' is a file, not a directory", error.Message);
        Assert.Equal("user data", File.ReadAllText(file));
        Assert.Throws<InvalidSettingException>(() => DirectoryLock.Take(file));
    }

    [Fact]
    public void OpenExisting_MissingDirectoryOrNotARun_IsRefused()
    {
        using var directory = new TemporaryDirectory();

        Assert.Contains("not found", Assert.Throws<InvalidSettingException>(() => RunDirectory.OpenExisting(directory.PathOf("missing"), Training)).Message);
        Assert.False(Directory.Exists(directory.PathOf("missing")));
        Assert.Contains("is not a selfcorrect training run", Assert.Throws<InvalidSettingException>(() => RunDirectory.OpenExisting(directory.Path, Training)).Message);

        using (RunDirectory.Create(directory.Path, Training, replace: false)) { }
        using var existing = RunDirectory.OpenExisting(directory.Path, Training);
        Assert.True(existing.Existed);
    }
}
