using SelfCorrect.Alignment;
using SelfCorrect.Bench.Alignment;

// As in the CLI, before anything loads libtorch (OMP_WAIT_POLICY set in the environment is kept, for comparisons).
TorchThreads.PreferPassiveWaiting();

// Each benchmark prints the two implementations (or conditions) measured side by side in this run, and their ratio.
string[] all = ["online-loss", "adam-pl", "training", "contention"];
// --threads N sets libtorch's thread count; without it the lab's default applies, as in every lab command.
int threadsAt = Array.IndexOf(args, "--threads");
int? threads = threadsAt >= 0 && threadsAt + 1 < args.Length && int.TryParse(args[threadsAt + 1], out int count) && count >= 1 ? count : null;
if (threadsAt >= 0 && threads is null)
{
    Console.Error.WriteLine("error: --threads needs a whole number of at least 1");
    return 2;
}
string[] names = threadsAt >= 0 ? [.. args[..threadsAt], .. args[(threadsAt + 2)..]] : args;
var selected = names.Length == 0 ? all : names;
TorchThreads.Apply(threads);
Console.WriteLine($"libtorch threads: {TorchSharp.torch.get_num_threads()}, physical cores: {TorchThreads.PhysicalCores}, processors: {Environment.ProcessorCount}, " +
    $"OMP_WAIT_POLICY: {Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}");
Console.WriteLine();
foreach (string name in selected)
{
    switch (name)
    {
        case "online-loss": RankingBenchmarks.OnlineLoss(); break;
        case "training": TrainingBenchmarks.Throughput(); break;
        case "adam-pl": RankingBenchmarks.AdamBaseline(loopContexts: 4); break;
        case "contention": ContentionBenchmarks.Run(quick: false); break;
        case "contention-short": ContentionBenchmarks.Run(quick: true); break;
        default:
            Console.Error.WriteLine($"error: unknown benchmark '{name}' (expected one of: {string.Join(", ", all)}, contention-short)");
            return 2;
    }
}
return 0;
