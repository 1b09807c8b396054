using System.CommandLine;

namespace SelfCorrect.Cli.Commands;

/// <summary>Options shared by every command that runs TorchSharp.</summary>
public static class TorchOptions
{
    /// <summary><c>--threads</c>: the requests' <c>Threads</c> setting.</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        Description = "libtorch intra-op threads (default: libtorch's choice). Same seed and thread count give the same numbers.",
    };
}
