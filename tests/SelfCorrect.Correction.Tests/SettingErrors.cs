namespace SelfCorrect.Correction.Tests;

/// <summary>
/// The correction packages' setting errors: an <see cref="ArgumentException"/> whose ParamName is the property and
/// whose message is the problem (the CLI turns both into <c>--option: problem</c>).
/// </summary>
public static class SettingErrors
{
    public static ArgumentException AssertThrows(Action action, string setting, string problem)
    {
        var error = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(setting, error.ParamName);
        Assert.Equal($"{problem} (Parameter '{setting}')", error.Message);
        return error;
    }
}
