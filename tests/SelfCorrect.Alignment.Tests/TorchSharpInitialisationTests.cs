using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

/// <summary>Fails if libtorch cannot be loaded from this test project's output (see docs/platform.md).</summary>
public class TorchSharpInitialisationTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var a = tensor(new[] { 1.0, 2.0, 3.0 });
        using var product = a.dot(a);
        Assert.Equal(14.0, product.item<double>());
    }

    [Fact]
    public void OutputLibraryNeedsNoMissingGlibcxxVersion()
    {
        if (!OperatingSystem.IsLinux()) return;
        string library = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(library), $"{library} is missing");
        // After the build step, a GLIBCXX_3.4.32 need is either absent from the system's view (weak) or satisfiable.
        using var generator = new Generator(1);
        using var sample = randn([2, 2], generator: generator);
        Assert.Equal(4, sample.numel());
    }
}
