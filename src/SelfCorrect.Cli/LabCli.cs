using System.CommandLine;
using SelfCorrect.Cli.Commands;

namespace SelfCorrect.Cli;

/// <summary>The full <c>selfcorrect</c> program of the repository (the selfcorrect-lab tool): every command, the lab's <c>ica</c> included.</summary>
public static class LabCli
{
    public static RootCommand BuildRootCommand() => CliApp.BuildRootCommand(IcaCommand.Create());
}
