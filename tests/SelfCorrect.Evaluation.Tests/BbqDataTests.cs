using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Bbq;

namespace SelfCorrect.Evaluation.Tests;

public sealed class BbqDataTests
{
    private static string WriteCategory(string directory, string category, int count, Func<int, string> condition) =>
        Fixtures.WriteJsonLines(directory, $"{category}.jsonl",
            Enumerable.Range(0, count).Select(i => Fixtures.BbqRow(category, i, i % 2 == 0 ? "neg" : "nonneg", condition(i), condition(i) == "ambig" ? 2 : 0)));

    [Fact]
    public void Load_Directory_ReadsEveryFieldOfEveryFile()
    {
        string directory = Fixtures.TemporaryDirectory();
        WriteCategory(directory, "Age", 4, i => i < 2 ? "ambig" : "disambig");
        WriteCategory(directory, "SES", 3, _ => "ambig");

        var examples = BbqDataset.Load(BbqDataset.ResolveFiles([directory]));

        Assert.Equal(7, examples.Count);
        var first = examples[0];
        Assert.Equal(("Age", 0, "1", BbqPolarity.Negative, BbqCondition.Ambiguous, 2), (first.Category, first.ExampleId, first.QuestionIndex, first.Polarity, first.Condition, first.Label));
        Assert.Equal(new BbqAnswerInfo("retired librarian", "old"), first.AnswerInfo[0]);
        Assert.Equal(["old"], first.Metadata.StereotypedGroups);
        Assert.Equal(("None", "test", "fixture"), (first.Metadata.Subcategory, first.Metadata.Version, first.Metadata.Source));
        Assert.Equal(2, first.UnknownIndex);
    }

    [Fact]
    public void Selection_PerCategoryDraw_IsSeededStableAndFiltersTheCondition()
    {
        string directory = Fixtures.TemporaryDirectory();
        WriteCategory(directory, "Age", 40, i => i % 3 == 0 ? "disambig" : "ambig");
        WriteCategory(directory, "SES", 40, _ => "ambig");
        var examples = BbqDataset.Load(BbqDataset.ResolveFiles([directory]));

        var draw = new BbqSelection([], "ambig", 5, Seed: 7).Apply(examples);
        var again = new BbqSelection([], "ambig", 5, Seed: 7).Apply(examples);
        var other = new BbqSelection([], "ambig", 5, Seed: 8).Apply(examples);
        var ageOnly = new BbqSelection(["age"], "ambig", 5, Seed: 7).Apply(examples);

        Assert.Equal(10, draw.Count);
        Assert.All(draw, e => Assert.Equal(BbqCondition.Ambiguous, e.Condition));
        Assert.Equal(draw.Select(e => e.Key), again.Select(e => e.Key));
        Assert.NotEqual(draw.Select(e => e.Key), other.Select(e => e.Key));
        // A category's draw does not depend on which other categories are selected.
        Assert.Equal(draw.Where(e => e.Category == "Age").Select(e => e.Key), ageOnly.Select(e => e.Key));
    }

    [Fact]
    public void Selection_UnknownCategoryOrEmptySelection_IsRejected()
    {
        string directory = Fixtures.TemporaryDirectory();
        WriteCategory(directory, "Age", 4, _ => "ambig");
        var examples = BbqDataset.Load(BbqDataset.ResolveFiles([directory]));

        var unknown = Assert.Throws<InvalidSettingException>(() => new BbqSelection(["Astrology"], "all", null, 0).Apply(examples));
        Assert.Contains("unknown category 'Astrology'", unknown.Message);
        var empty = Assert.Throws<InvalidSettingException>(() => new BbqSelection([], "disambig", null, 0).Apply(examples));
        Assert.Contains("empty selection", empty.Message);
    }

    [Theory]
    [InlineData("{\"example_id\": 3, \"category\": ", "malformed JSON")]
    [InlineData("{\"example_id\": 3, \"category\": \"Age\"}", "missing field 'question_polarity'")]
    [InlineData("[1, 2]", "expected a JSON object")]
    public void Load_BadLine_NamesFileAndLine(string badLine, string expected)
    {
        string directory = Fixtures.TemporaryDirectory();
        string path = Path.Combine(directory, "Age.jsonl");
        File.WriteAllLines(path, [Fixtures.BbqRow("Age", 1, "neg", "ambig", 2).ToJsonString(), "", badLine]);

        var error = Assert.Throws<InvalidDataException>(() => BbqDataset.Load([path]));

        Assert.StartsWith($"{path}:3: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_DuplicateKeyOrBadLabel_NamesTheLine()
    {
        string directory = Fixtures.TemporaryDirectory();
        string duplicated = Fixtures.WriteJsonLines(directory, "a.jsonl", [Fixtures.BbqRow("Age", 1, "neg", "ambig", 2), Fixtures.BbqRow("Age", 1, "neg", "ambig", 2)]);
        Assert.StartsWith($"{duplicated}:2: duplicate example", Assert.Throws<InvalidDataException>(() => BbqDataset.Load([duplicated])).Message);

        var row = Fixtures.BbqRow("Age", 1, "neg", "ambig", 5);
        string badLabel = Fixtures.WriteJsonLines(directory, "b.jsonl", [row]);
        Assert.Contains(":1: label 5", Assert.Throws<InvalidDataException>(() => BbqDataset.Load([badLabel])).Message);

        row = Fixtures.BbqRow("Age", 1, "neg", "sideways", 2);
        string badCondition = Fixtures.WriteJsonLines(directory, "c.jsonl", [row]);
        Assert.Contains("context_condition 'sideways'", Assert.Throws<InvalidDataException>(() => BbqDataset.Load([badCondition])).Message);
    }

    [Fact]
    public void QuestionTurn_FollowsTheReferenceTemplate()
    {
        var example = BbqDataset.Parse(new Data.JsonLine("x", 1, Data.JsonLines.Parse("x", 1, Fixtures.BbqRow("Age", 1, "neg", "ambig", 2, context: "Ctx.").ToJsonString())));
        Assert.Equal("Ctx.\nWho forgot where they were going?\n\n(a) The retired librarian (b) The college student (c) Can't be determined.",
            BbqRun.QuestionTurn(example, Correction.PromptPresets.Default));
    }
}
