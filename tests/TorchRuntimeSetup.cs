namespace SelfCorrect.Tests;

/// <summary>Compiled into every test project that runs TorchSharp (linked from each .csproj).</summary>
internal static class TorchRuntimeSetup
{
    /// <summary>As the programs do, before the first test loads libtorch (docs/platform.md, threads).</summary>
#pragma warning disable CA2255 // The test assembly is the program here: nothing else runs first.
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void PreferPassiveWaiting() => SelfCorrect.Alignment.TorchThreads.PreferPassiveWaiting();
#pragma warning restore CA2255
}
