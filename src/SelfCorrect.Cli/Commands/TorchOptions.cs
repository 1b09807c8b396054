using System.CommandLine;
using SelfCorrect.Alignment;

namespace SelfCorrect.Cli.Commands;

/// <summary>Options shared by every command that runs TorchSharp.</summary>
public static class TorchOptions
{
    /// <summary><c>--threads</c>: the requests' <c>Threads</c> setting.</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        Description = $"libtorch intra-op threads (default: the physical cores, {TorchThreads.PhysicalCores} here). Same seed and thread count give the same numbers.",
    };

    /// <summary><c>--device</c>: the requests' <c>Device</c> setting.</summary>
    public static Option<string?> Device() => new("--device")
    {
        Description = $"Where models and tensors live: {TorchDevices.Cpu}, {TorchDevices.Cuda}, {TorchDevices.Cuda}:N or {TorchDevices.Auto} (CUDA when available, else the CPU); default {TorchDevices.Default}. Random draws are made on the CPU either way.",
    };
}
