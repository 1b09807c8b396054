namespace SelfCorrect.Common.Tests;

public sealed class InvalidSettingExceptionTests
{
    private static readonly Dictionary<string, string> Options = new() { ["Rounds"] = "--rounds", ["Force"] = "--force", ["OutDirectory"] = "--out" };

    private static string AsOption(string setting) => Options.TryGetValue(setting, out string? option) ? option : setting;

    [Fact]
    public void Describe_NamesTheSettingAndEveryMentionedSetting_TheFrontEndsWay()
    {
        var error = new InvalidSettingException("OutDirectory", "'runs/x' holds a run with other settings; choose another {OutDirectory}, or set {Force} to replace it");

        Assert.Equal("--out: 'runs/x' holds a run with other settings; choose another --out, or set --force to replace it", error.Describe(AsOption));
    }

    [Fact]
    public void Message_UsesThePropertyNames()
    {
        var error = new InvalidSettingException("Rounds", "must be ≥ 0 (got -1); only {Strategy} cac has rounds");

        Assert.Equal("Rounds: must be ≥ 0 (got -1); only Strategy cac has rounds", error.Message);
        Assert.Equal(("Rounds", "must be ≥ 0 (got -1); only {Strategy} cac has rounds"), (error.Setting, error.Problem));
        Assert.Equal("Rounds", error.ParamName);
        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Fact]
    public void Describe_UnmappedNames_StayAsTheyAre_AndBracesThatNameNoSettingAreKept()
    {
        var error = new InvalidSettingException("Seed", "see {Rounds}, {not a setting} and {0}; {Unknown} too");

        Assert.Equal("Seed: see --rounds, {not a setting} and {0}; Unknown too", error.Describe(AsOption));
    }
}
