using System.CommandLine;
using SelfCorrect.Alignment.Construction;
using SelfCorrect.Alignment.Experiments;
using SelfCorrect.Alignment.Objectives;
using static TorchSharp.torch;

namespace SelfCorrect.Cli.Commands;

/// <summary><c>selfcorrect ica construct</c>: the hand-built transformer that performs GD in context, checked against explicit GD.</summary>
public static class IcaConstructCommand
{
    public static Command Create()
    {
        var objective = new Option<string>("--objective") { Description = "Loss the construction descends: pl (Plackett-Luce) or bt (Bradley-Terry, N = 2).", DefaultValueFactory = _ => "pl" };
        objective.AcceptOnlyFromAmong("pl", "bt");
        var n = new Option<int?>("--n") { Description = "Responses per context N (≥ 2); default 10 for pl, 2 for bt." };
        var d = new Option<int>("--d") { Description = "Dimension d (≥ 1).", DefaultValueFactory = _ => 5 };
        var steps = new Option<int>("--steps") { Description = "GD steps the forward pass performs (N-1 blocks each).", DefaultValueFactory = _ => 1 };
        var beta = new Option<double>("--beta") { Description = "Softmax scale β of the selection head (> 0); its row is added to the β·gap sweep.", DefaultValueFactory = _ => 600 };
        var gap = new Option<double>("--gap") { Description = "Least distance between two rewards of a context (> 0); the contexts are drawn so.", DefaultValueFactory = _ => 0.05 };
        var eta = new Option<double>("--eta") { Description = "GD step size η on W (the step on ŷ is η·||x||²·gradient).", DefaultValueFactory = _ => 0.1 };
        var contexts = new Option<int>("--contexts") { Description = "Fresh contexts compared with explicit GD.", DefaultValueFactory = _ => 256 };
        var dtype = new Option<string>("--dtype") { Description = "Precision of the construction's forward pass (the reference is float64).", DefaultValueFactory = _ => "float64" };
        dtype.AcceptOnlyFromAmong("float64", "float32");
        var ablate = new Option<string>("--ablate") { Description = "Component to take away: none, linear (attention), no-ffn, one-head (same depth), one-head-deep (twice the depth).", DefaultValueFactory = _ => "none" };
        ablate.AcceptOnlyFromAmong([.. ConstructionAblations.Names]);
        var causal = new Option<bool>("--causal") { Description = "Causal attention: every triplet token does GD on its own prefix (online PL); compared prefix by prefix." };
        var task = new Option<string>("--task") { Description = "Contexts: separated (rewards at least --gap apart: the bound's domain) or reference (the paper's uniform rewards, no enforced gap: where it fails).", DefaultValueFactory = _ => ConstructionSettings.SeparatedTask };
        task.AcceptOnlyFromAmong([.. ConstructionSettings.Tasks]);
        var seed = new Option<long>("--seed") { Description = "Seed of the contexts.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output directory (errors.csv, summary.json, error_vs_beta_gap.png/.svg).", DefaultValueFactory = _ => Path.Combine("runs", "construct") };
        var force = new Option<bool>("--force") { Description = "Replace an existing output directory." };
        var threads = TorchOptions.Threads();
        var device = TorchOptions.Device();
        var command = new Command("construct", "Build the transformer that performs GD on the PL/BT loss in context and measure its error against explicit GD over a β·gap sweep.")
        {
            objective, n, d, steps, beta, gap, eta, contexts, dtype, ablate, causal, task, seed, output, force, threads, device,
        };
        command.MapSetting(nameof(ConstructionSettings.Objective), objective)
            .MapSetting(nameof(ConstructionSettings.ResponseCount), n)
            .MapSetting(nameof(ConstructionSettings.Dimension), d)
            .MapSetting(nameof(ConstructionSettings.Steps), steps)
            .MapSetting(nameof(ConstructionSettings.Beta), beta)
            .MapSetting(nameof(ConstructionSettings.Gap), gap)
            .MapSetting(nameof(ConstructionSettings.Eta), eta)
            .MapSetting(nameof(ConstructionSettings.Contexts), contexts)
            .MapSetting(nameof(ConstructionSettings.DType), dtype)
            .MapSetting(nameof(ConstructionSettings.Ablation), ablate)
            .MapSetting(nameof(ConstructionSettings.Causal), causal)
            .MapSetting(nameof(ConstructionSettings.Task), task)
            .MapSetting(nameof(ConstructionSettings.Seed), seed)
            .MapSetting(nameof(ExperimentRequest<ConstructionSettings>.OutputDirectory), output)
            .MapSetting(nameof(ExperimentRequest<ConstructionSettings>.Force), force)
            .MapSetting(nameof(ExperimentRequest<ConstructionSettings>.Threads), threads)
            .MapSetting(nameof(ExperimentRequest<ConstructionSettings>.Device), device);
        command.SetAction(parse =>
        {
            var rankingObjective = RankingObjectives.Parse(parse.GetValue(objective)!);
            ConstructionExperiment.Run(new ExperimentRequest<ConstructionSettings>
            {
                Settings = new ConstructionSettings
                {
                    Objective = rankingObjective,
                    ResponseCount = parse.GetValue(n) ?? (rankingObjective == RankingObjective.BradleyTerry ? 2 : 10),
                    Dimension = parse.GetValue(d),
                    Steps = parse.GetValue(steps),
                    Beta = parse.GetValue(beta),
                    Gap = parse.GetValue(gap),
                    Eta = parse.GetValue(eta),
                    Contexts = parse.GetValue(contexts),
                    DType = parse.GetValue(dtype) == "float32" ? ScalarType.Float32 : ScalarType.Float64,
                    Ablation = ConstructionAblations.Parse(parse.GetValue(ablate)!),
                    Causal = parse.GetValue(causal),
                    Task = parse.GetValue(task)!,
                    Seed = parse.GetValue(seed),
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
