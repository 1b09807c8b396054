using System.CommandLine;
using SelfCorrect.Evaluation.Reports;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>selfcorrect report RUN_DIR [RUN_DIR…]</c>: report.md and a self-contained report.html with figures.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run (or rescoring) directories holding metrics.json; several are compared side by side.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Where the report goes (default: the run directory; required for several runs)." };
        var command = new Command("report", "Write report.md and a self-contained report.html (PNG/SVG figures) for evaluation runs.") { runs, output };
        command.MapSetting(nameof(ReportRequest.OutDirectory), output);
        command.SetAction(parse =>
        {
            var result = ReportWriter.Write(new ReportRequest { RunDirectories = parse.GetValue(runs)!, OutDirectory = parse.GetValue(output) });
            var stdout = parse.InvocationConfiguration.Output;
            foreach (string file in result.Files) stdout.WriteLine($"wrote {file}");
            foreach (string gap in result.Gaps) stdout.WriteLine($"incomplete: {gap}");
            return 0;
        });
        return command;
    }
}
