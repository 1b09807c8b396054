using System.CommandLine;
using System.Runtime.CompilerServices;
using SelfCorrect.Common;

namespace SelfCorrect.Cli;

/// <summary>
/// Which option of a command sets which library setting, so a library error that names a setting
/// (<see cref="InvalidSettingException"/>) reaches the user as the option they wrote: <c>Rounds</c> becomes
/// <c>--rounds</c>. Each command declares its own pairs next to its options.
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

    /// <summary>The error as the user should read it: settings named by the options of <paramref name="command"/>.</summary>
    public static string Describe(Command command, InvalidSettingException error)
    {
        var map = Maps.TryGetValue(command, out var found) ? found : [];
        return error.Describe(setting => map.TryGetValue(setting, out string? option) ? option : setting);
    }
}
