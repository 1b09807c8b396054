using System.CommandLine;
using System.Runtime.CompilerServices;
using SelfCorrect.Common;

namespace SelfCorrect.Cli;

/// <summary>
/// Which option of a command sets which library setting, so a library error that names a setting reaches the user as
/// the option they wrote: <c>Rounds</c> becomes <c>--rounds</c>. The libraries that use SelfCorrect.Common throw
/// <see cref="InvalidSettingException"/>; the correction packages, which do without it, throw the
/// <see cref="ArgumentException"/> of .NET with the setting as <see cref="ArgumentException.ParamName"/>. Each command
/// declares its own pairs next to its options.
/// </summary>
public static class SettingOptions
{
    private static readonly ConditionalWeakTable<Command, Dictionary<string, string>> Maps = new();

    /// <summary>Declares that <paramref name="option"/> sets <paramref name="setting"/> (a property name of a library request).</summary>
    public static Command MapSetting(this Command command, string setting, Option option)
    {
        Maps.GetOrCreateValue(command)[setting] = option.Name;
        return command;
    }

    /// <summary>
    /// The error as the user should read it, <c>setting: problem</c>, settings named by the options of
    /// <paramref name="command"/> (or by their property names where the command maps none); null for an
    /// <see cref="ArgumentException"/> that names no setting.
    /// </summary>
    public static string? Describe(Command command, ArgumentException error)
    {
        var map = Maps.TryGetValue(command, out var found) ? found : [];
        var setting = InvalidSettingException.From(error);
        return setting?.Describe(name => map.TryGetValue(name, out string? option) ? option : name);
    }
}
