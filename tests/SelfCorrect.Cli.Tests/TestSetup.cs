// CLI tests run TorchSharp work; running classes in parallel only oversubscribes two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SelfCorrect.Cli.Tests
{
    internal static class TorchRuntimeSetup
    {
        /// <summary>As the programs do, before the first test loads libtorch (docs/platform.md, threads).</summary>
#pragma warning disable CA2255 // The test assembly is the program here: nothing else runs first.
        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void PreferPassiveWaiting() => SelfCorrect.Alignment.TorchThreads.PreferPassiveWaiting();
#pragma warning restore CA2255
    }
}
