using System.CommandLine;
using System.CommandLine.Parsing;
using SelfCorrect.Cli.Commands;

namespace SelfCorrect.Cli;

/// <summary>
/// Builds the <c>selfcorrect</c> command tree and runs it with one error convention for every command:
/// bad input (parse errors, invalid option values, unreadable input files) prints one line to standard error and
/// exits with <see cref="UsageErrorExitCode"/>; nothing else is printed.
/// </summary>
public static class CliApp
{
    public const int UsageErrorExitCode = 2;
    public const int CancelledExitCode = 130;

    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("SelfCorrect: self-correction through in-context alignment (lab and Checking-as-Context).");
        root.Subcommands.Add(IcaCommand.Create());
        root.Subcommands.Add(ChatCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl-C is handled below: long jobs finish their step, save, and exit cleanly instead of being killed.
            ProcessTerminationTimeout = null,
        };
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C asks for a clean stop; a second one ends the process at once.
            if (interrupt.IsCancellationRequested) return;
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        ParseResult parse = BuildRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            configuration.Error.WriteLine($"error: {DescribeParseError(parse.Errors[0])}");
            return UsageErrorExitCode;
        }
        try
        {
            return await parse.InvokeAsync(configuration, interrupt.Token);
        }
        catch (ArgumentException e) when (SettingOptions.Describe(parse.CommandResult.Command, e) is { } setting)
        {
            configuration.Error.WriteLine($"error: {setting}");
            return UsageErrorExitCode;
        }
        catch (Exception e) when (IsUsageError(e))
        {
            configuration.Error.WriteLine($"error: {e.Message}");
            return UsageErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            configuration.Error.WriteLine("cancelled");
            return CancelledExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>One line that names the offending option when the parser knows it.</summary>
    private static string DescribeParseError(ParseError error)
    {
        string message = string.Join(" ", error.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));
        return error.SymbolResult is OptionResult option && !message.Contains(option.Option.Name)
            ? $"{option.Option.Name}: {message}"
            : message;
    }

    /// <summary>Exceptions that mean "the input was wrong", as opposed to a bug or an environment failure.</summary>
    private static bool IsUsageError(Exception e) =>
        e is ArgumentException or FormatException or InvalidDataException or FileNotFoundException
            or DirectoryNotFoundException or UsageException
            // A model that cannot be loaded or reached, or a missing API key: the user's setup, reported in one line.
            or SelfCorrect.Correction.ChatBackendException;
}

/// <summary>Thrown by a command for input it rejects; the message is printed as the one-line error.</summary>
public sealed class UsageException(string message) : Exception(message);
