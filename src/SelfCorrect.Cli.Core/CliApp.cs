using System.CommandLine;
using System.CommandLine.Parsing;
using SelfCorrect.Cli.Commands;
using SelfCorrect.Common;

namespace SelfCorrect.Cli;

/// <summary>
/// Builds the <c>selfcorrect</c> command tree and runs it with one error convention for every command:
/// bad input (parse errors, invalid option values, unreadable input files) prints one line to standard error and
/// exits with <see cref="UsageErrorExitCode"/>; a failure of the environment (read-only file system, permission
/// denied, disk full, a path under a file) prints one line naming the path and exits with
/// <see cref="EnvironmentErrorExitCode"/>. Nothing else is printed, and every line is passed through
/// <see cref="Redaction"/>.
/// </summary>
public static class CliApp
{
    public const int UsageErrorExitCode = 2;
    public const int EnvironmentErrorExitCode = 3;
    public const int CancelledExitCode = 130;

    /// <summary>
    /// The command tree: chat, eval, report and serve, plus <paramref name="labCommands"/> (the lab program adds
    /// <c>ica</c>; the selfcorrect tool adds nothing, so it carries no libtorch).
    /// </summary>
    public static RootCommand BuildRootCommand(params IEnumerable<Command> labCommands)
    {
        var root = new RootCommand("SelfCorrect: self-correction through in-context alignment (lab and Checking-as-Context).");
        foreach (var command in labCommands) root.Subcommands.Add(command);
        root.Subcommands.Add(ChatCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="root"/> with the error convention above.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null,
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
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A word the parser did not recognise explains the other errors ("Required command was not provided").
            var first = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(token => e.Message.Contains(token, StringComparison.Ordinal))) ?? parse.Errors[0];
            return Fail(configuration, DescribeParseError(first), UsageErrorExitCode);
        }
        try
        {
            return await parse.InvokeAsync(configuration, interrupt.Token);
        }
        catch (ArgumentException e) when (SettingOptions.Describe(parse.CommandResult.Command, e) is { } setting)
        {
            return Fail(configuration, setting, UsageErrorExitCode);
        }
        catch (DirectoryNotFoundException e) when (FileOnTheWay(e) is { } file)
        {
            return Fail(configuration, $"{file}: is a file, not a directory ({e.Message})", EnvironmentErrorExitCode);
        }
        catch (Exception e) when (IsUsageError(e))
        {
            return Fail(configuration, e.Message, UsageErrorExitCode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(configuration, e.Message, EnvironmentErrorExitCode);
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

    /// <summary>Prints <c>error: MESSAGE</c> as one line with credentials masked, and returns <paramref name="exitCode"/>.</summary>
    private static int Fail(InvocationConfiguration configuration, string message, int exitCode)
    {
        configuration.Error.WriteLine($"error: {Redaction.Redact(OneLine(message))}");
        return exitCode;
    }

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));

    /// <summary>One line that names the offending option when the parser knows it.</summary>
    private static string DescribeParseError(ParseError error)
    {
        string message = OneLine(error.Message);
        return error.SymbolResult is OptionResult option && !message.Contains(option.Option.Name)
            ? $"{option.Option.Name}: {message}"
            : message;
    }

    /// <summary>
    /// The file that stands where a directory of the missing path should be (a path under a file), found from the
    /// quoted path .NET puts in the message; null when the path is simply absent.
    /// </summary>
    private static string? FileOnTheWay(DirectoryNotFoundException e)
    {
        int start = e.Message.IndexOf('\''), end = e.Message.LastIndexOf('\'');
        if (start < 0 || end <= start) return null;
        for (string? path = Path.GetDirectoryName(e.Message[(start + 1)..end]); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
            if (File.Exists(path)) return path;
        return null;
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
