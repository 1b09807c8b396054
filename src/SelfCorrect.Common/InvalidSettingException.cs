using System.Text.RegularExpressions;

namespace SelfCorrect.Common;

/// <summary>
/// A setting with a value the library rejects. <see cref="Setting"/> is the name of the property the caller set
/// (e.g. <c>Rounds</c>), and the problem may mention other settings as <c>{Name}</c>, so each front end can name them
/// in its own terms: the CLI translates them into the options the user wrote (<c>--rounds</c>).
/// </summary>
public sealed partial class InvalidSettingException(string setting, string problem) : ArgumentException(problem, setting)
{
    /// <summary>The name of the property the caller set (e.g. <c>Rounds</c>).</summary>
    public string Setting { get; } = setting;

    /// <summary>What is wrong, with other settings written as <c>{Name}</c>.</summary>
    public string Problem { get; } = problem;

    /// <summary>One line: the setting, then the problem, settings named by their property names.</summary>
    public override string Message => Describe(name => name);

    /// <summary>One line: the setting, then the problem, each setting named by <paramref name="nameOf"/>.</summary>
    public string Describe(Func<string, string> nameOf) =>
        $"{nameOf(Setting)}: {SettingReference().Replace(Problem, match => nameOf(match.Groups[1].Value))}";

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}")]
    private static partial Regex SettingReference();
}
