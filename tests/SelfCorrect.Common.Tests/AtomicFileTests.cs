namespace SelfCorrect.Common.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void WriteAllText_ReplacesTheFile_AndLeavesNoTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("settings.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal(new Dictionary<string, string> { ["settings.json"] = "new" }, directory.Snapshot());
    }

    [Fact]
    public void WriteAllText_MissingDirectory_IsCreated()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("a", "b", "report.md");

        AtomicFile.WriteAllText(path, "text");

        Assert.Equal("text", File.ReadAllText(path));
    }

    [Fact]
    public void Write_FailingWriter_LeavesTheOldFileAndNoTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("metrics.json");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, temporary =>
        {
            File.WriteAllText(temporary, "half of the ne");
            throw new IOException("the writer failed");
        }));

        Assert.Equal("the writer failed", error.Message);
        Assert.Equal(new Dictionary<string, string> { ["metrics.json"] = "old" }, directory.Snapshot());
    }

    [DevFullFact]
    public void Write_DiskFull_IsAnIOException_AndLeavesTheOldFileAndNoTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("metrics.json");
        File.WriteAllText(path, "old");

        // /dev/full fails every write with ENOSPC, as a full disk does; the writer's own file goes there.
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, _ =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            full.Write(new byte[4096]);
            full.Flush();
        }));

        Assert.Equal(new Dictionary<string, string> { ["metrics.json"] = "old" }, directory.Snapshot());
    }

    [Fact]
    public void WriteAllText_PathUnderAFile_IsAnIOException()
    {
        using var directory = new TemporaryDirectory();
        string file = directory.PathOf("notes.txt");
        File.WriteAllText(file, "user data");

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(Path.Combine(file, "run", "settings.json"), "{}"));

        Assert.Equal(new Dictionary<string, string> { ["notes.txt"] = "user data" }, directory.Snapshot());
    }

    [Fact]
    public void WriteAllBytes_WritesExactlyTheBytes()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.PathOf("figure.png");
        byte[] bytes = [0x89, 0x50, 0x4E, 0x47, 0, 255];

        AtomicFile.WriteAllBytes(path, bytes);

        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}

/// <summary>A fact that needs /dev/full (Linux), skipped elsewhere.</summary>
public sealed class DevFullFactAttribute : FactAttribute
{
    public DevFullFactAttribute()
    {
        if (!File.Exists("/dev/full")) Skip = "/dev/full (a device whose writes fail as on a full disk) is not available";
    }
}
