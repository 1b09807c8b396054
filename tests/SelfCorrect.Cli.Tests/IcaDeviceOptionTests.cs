using System.Text.Json;

namespace SelfCorrect.Cli.Tests;

/// <summary><c>--device</c> on every lab command: bad names and an unavailable CUDA are one-line usage errors that write nothing.</summary>
public class IcaDeviceOptionTests
{
    /// <summary>Each lab command with the arguments it needs besides --device and --out.</summary>
    public static TheoryData<string, string> Commands(string device) => new()
    {
        { "run --preset tiny", device },
        { "train --preset tiny", device },
        { "eval --run", device },
        { "noise --run", device },
        { "baselines", device },
        { "construct", device },
        { "sweep --preset depth-quick", device },
    };

    public static TheoryData<string, string> BadName => Commands("gpu");
    public static TheoryData<string, string> Cuda => Commands("cuda");

    [Theory]
    [MemberData(nameof(BadName))]
    public async Task UnknownDeviceIsAUsageErrorNamingTheOption(string command, string device)
    {
        var (result, directory) = await Run(command, device);
        result.AssertOneLineUsageError("--device: 'gpu' is not a device");
        Assert.False(Directory.Exists(directory));
    }

    [Theory]
    [MemberData(nameof(Cuda))]
    public async Task CudaWhereCudaIsNotAvailableIsAOneLineUsageError(string command, string device)
    {
        // On a CUDA machine the device past the last one is what cannot be had.
        bool available = TorchSharp.torch.cuda.is_available();
        if (available) device = $"cuda:{TorchSharp.torch.cuda.device_count()}";
        var (result, directory) = await Run(command, device);
        result.AssertOneLineUsageError(available ? $"--device: {device} asked for, but only" : "--device: cuda asked for, but CUDA is not available here");
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task BaselinesOnTheCpuDeviceEqualTheDefaultAndRecordTheDevice()
    {
        string byDefault = CliRunner.TemporaryDirectory(), onCpu = CliRunner.TemporaryDirectory();
        string[] settings = ["ica", "baselines", "--n", "5", "--d", "3", "--contexts", "32", "--threads", "1"];
        var a = await CliRunner.RunAsync([.. settings, "--out", byDefault]);
        var b = await CliRunner.RunAsync([.. settings, "--device", "cpu", "--out", onCpu]);
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Error + b.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(byDefault, "errors.csv")), File.ReadAllText(Path.Combine(onCpu, "errors.csv")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(onCpu, "summary.json")));
        Assert.Equal("cpu", summary.RootElement.GetProperty("device").GetString());
    }

    private static async Task<(CliRunner.Result Result, string Directory)> Run(string command, string device)
    {
        string directory = CliRunner.TemporaryDirectory();
        string[] words = command.Split(' ');
        // eval and noise take the run directory as --run; the others write into --out.
        string[] target = words[^1] == "--run" ? [directory] : ["--out", directory];
        return (await CliRunner.RunAsync(["ica", .. words, .. target, "--device", device]), directory);
    }
}
