using SelfCorrect.Bench.Correction;

// Checking-as-Context benchmarks with the tiny GGUF model; each prints both sides measured in this run and their ratio.
// Usage: dotnet run -c Release --project bench/SelfCorrect.Bench.Correction [overhead] [kv-reuse] [--model PATH]
string[] all = ["overhead", "kv-reuse"];
var names = new List<string>();
string? modelPath = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--model" && i + 1 < args.Length) modelPath = args[++i];
    else names.Add(args[i]);
}
modelPath ??= TinyModel.DefaultPath();
if (!File.Exists(modelPath))
{
    Console.Error.WriteLine($"error: model file not found: {modelPath} (pass --model PATH)");
    return 2;
}
Console.WriteLine($"model: {modelPath}, processors: {Environment.ProcessorCount}, llama.cpp threads: 1");
Console.WriteLine();
foreach (string name in names.Count == 0 ? [.. all] : names)
{
    switch (name)
    {
        case "overhead": await CacBenchmarks.MiddlewareOverheadAsync(modelPath); break;
        case "kv-reuse": await CacBenchmarks.KvReuseAsync(modelPath); break;
        default:
            Console.Error.WriteLine($"error: unknown benchmark '{name}' (expected one of: {string.Join(", ", all)})");
            return 2;
    }
}
return 0;

internal static class TinyModel
{
    /// <summary>../shared/models/llama-2-tiny-random.gguf next to the repository root (the folder holding SelfCorrect.slnx).</summary>
    public static string DefaultPath()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "SelfCorrect.slnx")))
                    return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "models", "llama-2-tiny-random.gguf"));
        return "llama-2-tiny-random.gguf";
    }
}
