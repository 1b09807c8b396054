using SelfCorrect.Correction;

namespace SelfCorrect.Cli.Tests;

public sealed class PromptPresetsFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "selfcorrect-presets-" + Guid.NewGuid().ToString("N"));

    public PromptPresetsFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Yaml_OverridesTheGivenKeysAndKeepsTheRest()
    {
        string path = Write("p.yaml", """
            jailbreak_check_prompt: Was that answer safe?
            refusal_demonstrations:
              - request: Do a bad thing.
                refusal: No.
            """);

        var presets = PromptPresetsFile.Load(path);

        Assert.Equal("Was that answer safe?", presets.JailbreakCheckPrompt);
        Assert.Equal([new RefusalDemonstration { Request = "Do a bad thing.", Refusal = "No." }], presets.RefusalDemonstrations);
        Assert.Equal(PromptPresets.Default.BbqCheckPrompt, presets.BbqCheckPrompt);
        Assert.Equal(PromptPresets.Default.HistoryBackupDialogues, presets.HistoryBackupDialogues);
    }

    [Fact]
    public void Json_OverridesTheGivenKeys()
    {
        string path = Write("p.json", """{ "self_reminder_suffix": " Be careful.", "bbq_answer_prefill": "Answer:" }""");

        var presets = PromptPresetsFile.Load(path);

        Assert.Equal(" Be careful.", presets.SelfReminderSuffix);
        Assert.Equal("Answer:", presets.BbqAnswerPrefill);
        Assert.Equal(PromptPresets.Default.JailbreakCheckPrompt, presets.JailbreakCheckPrompt);
    }

    [Fact]
    public void Yaml_UnknownKey_OneLineErrorNamingFileLineAndKey()
    {
        string path = Write("bad.yaml", "jailbreak_check_prompt: ok\ncheck_promt: typo\n");

        var error = Assert.Throws<InvalidDataException>(() => PromptPresetsFile.Load(path));

        Assert.StartsWith($"{path}:2: check_promt: unknown key", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Yaml_UnknownNestedKey_IsRejectedToo()
    {
        string path = Write("nested.yaml", "refusal_demonstrations:\n  - request: a\n    answer: b\n");

        var error = Assert.Throws<InvalidDataException>(() => PromptPresetsFile.Load(path));

        Assert.StartsWith($"{path}:3: refusal_demonstrations[0].answer: unknown key", error.Message);
    }

    [Fact]
    public void Yaml_ValueOfTheWrongShape_NamesFileLineAndKey()
    {
        string path = Write("shape.yaml", "jailbreak_check_prompt: ok\nrefusal_demonstrations: just one\n");

        var error = Assert.Throws<InvalidDataException>(() => PromptPresetsFile.Load(path));

        Assert.Equal($"{path}:2: refusal_demonstrations: expected a list, got a single value", error.Message);
    }

    [Fact]
    public void Json_UnknownKey_OneLineErrorNamingFileAndKey()
    {
        string path = Write("bad.json", "{\n  \"bbq_check_prompt\": \"x\",\n  \"nope\": 1\n}");

        var error = Assert.Throws<InvalidDataException>(() => PromptPresetsFile.Load(path));

        Assert.Equal($"{path}:3: nope: unknown key", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void MissingFile_IsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => PromptPresetsFile.Load(Path.Combine(_directory, "absent.yaml")));
    }
}
