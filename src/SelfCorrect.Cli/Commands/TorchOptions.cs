using System.CommandLine;

namespace SelfCorrect.Cli.Commands;

/// <summary>Options shared by every command that runs TorchSharp.</summary>
public static class TorchOptions
{
    public static Option<int?> Threads() => new("--threads")
    {
        Description = "libtorch intra-op threads (default: libtorch's choice). Same seed and thread count give the same numbers.",
    };

    public static void Apply(ParseResult parse, Option<int?> threads)
    {
        int? count = parse.GetValue(threads);
        if (count is null) return;
        if (count < 1) throw new UsageException($"--threads: must be at least 1 (got {count})");
        TorchSharp.torch.set_num_threads(count.Value);
    }
}
