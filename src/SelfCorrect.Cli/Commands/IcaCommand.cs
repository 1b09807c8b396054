using System.CommandLine;
using SelfCorrect.Alignment.Experiments;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>selfcorrect ica ...</c>: the in-context alignment lab.</summary>
public static class IcaCommand
{
    public static Command Create()
    {
        var ica = new Command("ica", "In-context alignment lab: synthetic tasks, reference learners, transformers.");
        foreach (var command in IcaRunCommands.Create()) ica.Subcommands.Add(command);
        ica.Subcommands.Add(Baselines());
        ica.Subcommands.Add(IcaConstructCommand.Create());
        ica.Subcommands.Add(IcaSweepCommand.Create());
        return ica;
    }

    private static Command Baselines()
    {
        var task = new Option<string>("--task") { Description = "Task: reference (degenerate, as the paper's code) or noisy.", DefaultValueFactory = _ => "reference" };
        task.AcceptOnlyFromAmong("reference", "noisy");
        var n = new Option<int>("--n") { Description = "Responses per context N (≥ 2).", DefaultValueFactory = _ => 20 };
        var d = new Option<int>("--d") { Description = "Dimension d (≥ 1).", DefaultValueFactory = _ => 5 };
        var noise = new Option<double>("--noise") { Description = "Probability p that a shown reward is replaced by a fresh U(0,1) draw.", DefaultValueFactory = _ => 0.0 };
        var contexts = new Option<int>("--contexts") { Description = "Fresh evaluation contexts.", DefaultValueFactory = _ => 1024 };
        var seed = new Option<long>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        var gdSteps = new Option<int>("--gd-steps") { Description = "Gradient steps of the explicit GD learner (η is grid-searched on held-out contexts).", DefaultValueFactory = _ => 20 };
        var output = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => Path.Combine("runs", "baselines") };
        var force = new Option<bool>("--force") { Description = "Replace an existing output directory." };
        var threads = TorchOptions.Threads();
        var command = new Command("baselines", "Evaluate the reference learners (no training) on fresh contexts; writes CSV, JSON and plots.")
        {
            task, n, d, noise, contexts, seed, gdSteps, output, force, threads,
        };
        command.SetAction(parse =>
        {
            var settings = new BaselinesSettings
            {
                Task = parse.GetValue(task)!,
                ResponseCount = parse.GetValue(n),
                Dimension = parse.GetValue(d),
                RewardNoise = parse.GetValue(noise),
                Contexts = parse.GetValue(contexts),
                Seed = parse.GetValue(seed),
                GdSteps = parse.GetValue(gdSteps),
            };
            settings.Validate();
            string directory = parse.GetValue(output)!;
            RunDirectory.EnsureWritable(directory, parse.GetValue(force));
            TorchOptions.Apply(parse, threads);
            var stdout = parse.InvocationConfiguration.Output;
            var result = BaselinesExperiment.Run(settings, learner => stdout.WriteLine($"evaluating {learner} ..."));
            RunDirectory.Prepare(directory, parse.GetValue(force));
            BaselinesExperiment.Write(result, directory);
            var ks = ErrorReport.TableKs(settings.ResponseCount);
            foreach (var metric in ErrorMetric.All)
            {
                stdout.WriteLine();
                stdout.WriteLine($"{metric.Label}, mean [95% CI] over {settings.Contexts} contexts:");
                stdout.Write(ErrorReport.FormatTable(result.Points, metric.Name, ks));
            }
            stdout.WriteLine();
            stdout.WriteLine($"GD step size η = {result.GdEta} ({settings.GdSteps} steps, chosen on held-out contexts)");
            stdout.WriteLine($"wrote {Path.Combine(directory, "errors.csv")}, summary.json, error_*.png/.svg");
            return 0;
        });
        return command;
    }
}
