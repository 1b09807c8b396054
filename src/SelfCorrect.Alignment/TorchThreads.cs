using SelfCorrect.Common;

namespace SelfCorrect.Alignment;

/// <summary>
/// libtorch's intra-op thread count, which is process-wide. Every request that runs TorchSharp work has an optional
/// <c>Threads</c> setting (null: libtorch's choice); the same seed and thread count give the same numbers.
/// </summary>
internal static class TorchThreads
{
    /// <summary>A count below 1 is an error naming <paramref name="setting"/>; null is libtorch's choice.</summary>
    /// <param name="threads">The thread count, or null.</param>
    /// <param name="setting">The request property that holds the count, named in the error.</param>
    public static void Validate(int? threads, string setting)
    {
        if (threads < 1) throw new InvalidSettingException(setting, $"must be at least 1 (got {threads})");
    }

    public static void Apply(int? threads)
    {
        if (threads is { } count) TorchSharp.torch.set_num_threads(count);
    }
}
