using Spectre.Console;

namespace SelfCorrect.Cli.Commands;

/// <summary>What the progress displays (evaluation here, training in the lab) share.</summary>
public static class ConsoleProgress
{
    /// <summary>Whether Spectre can draw a live bar on this output: the real console, an interactive terminal.</summary>
    public static bool DrawsLive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
