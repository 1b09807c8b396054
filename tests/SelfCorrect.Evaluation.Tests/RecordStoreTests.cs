using System.Text;
using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Tests;

public sealed class RecordStoreTests
{
    private static readonly KeyedLineParser<ResponseRecord> Parser = ResponsesFile.Parser(SampleKeyFormat.Bbq);
    private static readonly RecordSync Sync = new Runner.RunnerOptions().RecordSync;

    private static string Line(int id, string text = "The answer is (a).") =>
        new ResponseRecord { Category = "Age", ExampleId = id, Initial = text }.ToJsonLine();

    [Fact]
    public void Open_TornLastLine_IsMovedAsideAndCutOff_ThenAppendsCleanly()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        string torn = Line(3)[..25];
        File.WriteAllText(path, Line(1) + "\n" + Line(2) + "\n" + torn, Encoding.UTF8);

        using (var store = RecordStore<ResponseRecord>.Open(path, Parser, Sync))
        {
            Assert.Equal(torn, store.DiscardedTornLine);
            Assert.Equal(2, store.Count);
            Assert.True(store.Contains("Age/2"));
            Assert.False(store.Contains("Age/3"));
            store.Append("Age/3", Line(3));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal([Line(1), Line(2), Line(3)], lines);
        Assert.Equal(torn + "\n", File.ReadAllText(path + ".torn"));
        Assert.Equal(3, ResponsesFile.ReadAll(path, SampleKeyFormat.Bbq).Count);
    }

    [Fact]
    public void Open_CompleteLastLineWithoutNewline_IsKept()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        File.WriteAllText(path, Line(1) + "\n" + Line(2));

        using (var store = RecordStore<ResponseRecord>.Open(path, Parser, Sync))
        {
            Assert.Null(store.DiscardedTornLine);
            store.Append("Age/3", Line(3));
        }

        Assert.Equal([Line(1), Line(2), Line(3)], File.ReadAllLines(path));
    }

    [Fact]
    public void Open_MalformedCompleteLine_FailsWithFileAndLine_AndLeavesTheFileUntouched()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        string contents = Line(1) + "\n{\"category\": \"Age\", \"initial\": \"x\"}\n" + Line(3) + "\n";
        File.WriteAllText(path, contents);

        var error = Assert.Throws<InvalidDataException>(() => RecordStore<ResponseRecord>.Open(path, Parser, Sync));

        Assert.Equal($"{path}:2: missing field 'example_id'", error.Message);
        Assert.Equal(contents, File.ReadAllText(path));
    }

    [Fact]
    public void Open_DuplicateKey_IsCorruptionNamingBothLines()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        File.WriteAllText(path, Line(1) + "\n" + Line(2) + "\n" + Line(1, "again") + "\n");

        var error = Assert.Throws<InvalidDataException>(() => RecordStore<ResponseRecord>.Open(path, Parser, Sync));

        Assert.Equal($"{path}:3: sample Age/1 appears twice (first at line 1)", error.Message);
    }

    [Fact]
    public void Append_SameKeyTwice_IsRefused()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        using var store = RecordStore<ResponseRecord>.Open(path, Parser, Sync);
        store.Append("Age/1", Line(1));
        Assert.Throws<InvalidOperationException>(() => store.Append("Age/1", Line(1)));
    }

    [Fact]
    public void Append_SyncsEveryNRecords_AndOnClosing()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        var store = RecordStore<ResponseRecord>.Open(path, Parser, new RecordSync(EveryRecords: 3, Every: TimeSpan.FromHours(1)));
        var syncs = new List<int>();
        for (int id = 1; id <= 7; id++)
        {
            store.Append($"Age/{id}", Line(id));
            syncs.Add(store.Syncs);
        }
        Assert.Equal([0, 0, 1, 1, 1, 2, 2], syncs);
        store.Dispose();
        Assert.Equal(3, store.Syncs);
        Assert.Equal(7, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void Append_SyncsWhenTheIntervalHasPassed()
    {
        string path = Path.Combine(Fixtures.TemporaryDirectory(), "responses.jsonl");
        using var store = RecordStore<ResponseRecord>.Open(path, Parser, new RecordSync(EveryRecords: 1000, Every: TimeSpan.Zero));
        store.Append("Age/1", Line(1));
        store.Append("Age/2", Line(2));
        Assert.Equal(2, store.Syncs);
    }

    [Fact]
    public void Record_RoundsSpelledBySingularOrListFields()
    {
        var key = new ResponseRecord { Index = 4, Attack = "gcg" };
        var one = ResponseRecord.Create(key, "i", null, ["c"], ["f"], []);
        Assert.Equal(("c", "f", null), (one.Critique, one.Final, one.Critiques));
        var three = ResponseRecord.Create(key, "i", null, ["c1", "c2", "c3"], ["f1", "f2", "f3"], []);
        Assert.Equal((null, null), (three.Critique, three.Final));
        Assert.Equal(["f1", "f2", "f3"], three.FinalRounds);
        Assert.DoesNotContain("\"critique\"", three.ToJsonLine());
        Assert.DoesNotContain("\"reasoning\"", three.ToJsonLine());
    }
}
