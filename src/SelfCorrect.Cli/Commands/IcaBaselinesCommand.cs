using System.CommandLine;
using SelfCorrect.Alignment.Experiments;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>selfcorrect ica baselines</c>: the reference learners on fresh contexts, no training.</summary>
public static class IcaBaselinesCommand
{
    public static Command Create()
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
        var device = TorchOptions.Device();
        var command = new Command("baselines", "Evaluate the reference learners (no training) on fresh contexts; writes CSV, JSON and plots.")
        {
            task, n, d, noise, contexts, seed, gdSteps, output, force, threads, device,
        };
        command.MapSetting(nameof(BaselinesSettings.Task), task)
            .MapSetting(nameof(BaselinesSettings.ResponseCount), n)
            .MapSetting(nameof(BaselinesSettings.Dimension), d)
            .MapSetting(nameof(BaselinesSettings.RewardNoise), noise)
            .MapSetting(nameof(BaselinesSettings.Contexts), contexts)
            .MapSetting(nameof(BaselinesSettings.Seed), seed)
            .MapSetting(nameof(BaselinesSettings.GdSteps), gdSteps)
            .MapSetting(nameof(ExperimentRequest<BaselinesSettings>.OutputDirectory), output)
            .MapSetting(nameof(ExperimentRequest<BaselinesSettings>.Force), force)
            .MapSetting(nameof(ExperimentRequest<BaselinesSettings>.Threads), threads)
            .MapSetting(nameof(ExperimentRequest<BaselinesSettings>.Device), device);
        command.SetAction(parse =>
        {
            BaselinesExperiment.Run(new ExperimentRequest<BaselinesSettings>
            {
                Settings = new BaselinesSettings
                {
                    Task = parse.GetValue(task)!,
                    ResponseCount = parse.GetValue(n),
                    Dimension = parse.GetValue(d),
                    RewardNoise = parse.GetValue(noise),
                    Contexts = parse.GetValue(contexts),
                    Seed = parse.GetValue(seed),
                    GdSteps = parse.GetValue(gdSteps),
                },
                OutputDirectory = parse.GetValue(output)!,
                Force = parse.GetValue(force),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device),
            }, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
