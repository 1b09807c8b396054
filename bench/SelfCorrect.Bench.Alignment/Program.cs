using SelfCorrect.Bench.Alignment;

// Each benchmark prints the two implementations measured side by side in this run, and their ratio.
string[] all = ["online-loss", "adam-pl", "training"];
var selected = args.Length == 0 ? all : args;
Console.WriteLine($"libtorch threads: {TorchSharp.torch.get_num_threads()}, processors: {Environment.ProcessorCount}");
Console.WriteLine();
foreach (string name in selected)
{
    switch (name)
    {
        case "online-loss": RankingBenchmarks.OnlineLoss(); break;
        case "training": TrainingBenchmarks.Throughput(); break;
        case "adam-pl": RankingBenchmarks.AdamBaseline(loopContexts: 4); break;
        default:
            Console.Error.WriteLine($"error: unknown benchmark '{name}' (expected one of: {string.Join(", ", all)})");
            return 2;
    }
}
return 0;
