using System.Net;
using System.Net.Sockets;

namespace SelfCorrect.Correction.Tests;

/// <summary>The tiny random-weight GGUF model shared by the project (../shared/models relative to the repository root).</summary>
public static class TestModels
{
    public static string TinyGgufPath { get; } = FindTinyModel();

    public static bool TinyGgufPresent => File.Exists(TinyGgufPath);

    private static string FindTinyModel()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SelfCorrect.slnx")))
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "models", "llama-2-tiny-random.gguf"));
        }
        return "llama-2-tiny-random.gguf (repository root with SelfCorrect.slnx not found)";
    }
}

/// <summary>A fact that is skipped, saying why, when the tiny GGUF model is absent.</summary>
public sealed class TinyModelFactAttribute : FactAttribute
{
    public TinyModelFactAttribute()
    {
        if (!TestModels.TinyGgufPresent) Skip = $"tiny GGUF model not found at {TestModels.TinyGgufPath}";
    }
}

/// <summary>Loopback addresses for failure tests.</summary>
public static class Loopback
{
    /// <summary>A loopback port that was just free and has no listener: connecting to it is refused.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
