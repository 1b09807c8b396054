using System.CommandLine;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>selfcorrect ica ...</c>: the in-context alignment lab.</summary>
public static class IcaCommand
{
    public static Command Create()
    {
        var ica = new Command("ica", "In-context alignment lab: synthetic tasks, reference learners, transformers.");
        foreach (var command in IcaRunCommands.Create()) ica.Subcommands.Add(command);
        ica.Subcommands.Add(IcaBaselinesCommand.Create());
        ica.Subcommands.Add(IcaConstructCommand.Create());
        ica.Subcommands.Add(IcaSweepCommand.Create());
        return ica;
    }
}
