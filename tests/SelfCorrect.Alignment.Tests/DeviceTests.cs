using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Training;
using SelfCorrect.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment.Tests;

public class DeviceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuNamesResolveToTheCpu(string? name) => Assert.Equal(DeviceType.CPU, TorchDevices.Resolve(name, "Device").type);

    [Fact]
    public void AutoIsCudaWhenAvailableElseTheCpu() =>
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, TorchDevices.Resolve("auto", "Device").type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda0")]
    [InlineData("")]
    public void OtherNamesAreRefusedNamingTheSetting(string name)
    {
        var error = Assert.Throws<InvalidSettingException>(() => TorchDevices.Resolve(name, "Device"));
        Assert.Equal("Device", error.Setting);
        Assert.Contains("cpu, cuda, cuda:N or auto", error.Message);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void CudaWithoutCudaIsRefusedInOneLine(string name)
    {
        if (cuda.is_available())
        {
            // A CUDA machine: the device past the last one is what cannot be had.
            var missing = Assert.Throws<InvalidSettingException>(() => TorchDevices.Resolve($"cuda:{cuda.device_count()}", "Device"));
            Assert.Contains("CUDA device(s) are visible", missing.Message);
            Assert.Equal(DeviceType.CUDA, TorchDevices.Resolve(name, "Device").type);
            return;
        }
        var error = Assert.Throws<InvalidSettingException>(() => TorchDevices.Resolve(name, "Device"));
        Assert.Equal("Device", error.Setting);
        Assert.Contains("CUDA is not available", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void TrainingOnTheCpuDeviceEqualsTheDefaultRun()
    {
        var config = new ExperimentConfig
        {
            Task = new TaskSettings { Name = "reference", D = 3, N = 5 },
            Model = new ModelSettings { Layers = 1, Heads = 2, Width = 8 },
            Training = new TrainingSettings { Steps = 3, BatchSize = 8, Seed = 2, CheckpointEvery = 100, LogEvery = 1, RewardNoise = 0.25 },
        };
        string byDefault = TemporaryRun(), onCpu = TemporaryRun();
        var a = new Trainer(config, byDefault).Train(resume: false);
        var b = new Trainer(config, onCpu, TorchDevices.Resolve("cpu", "Device")).Train(resume: false);
        Assert.Equal(a.LastLoss, b.LastLoss);
        Assert.Equal(File.ReadAllBytes(Path.Combine(byDefault, Checkpoint.FileName)), File.ReadAllBytes(Path.Combine(onCpu, Checkpoint.FileName)));
        string session = File.ReadAllLines(Path.Combine(onCpu, Trainer.SessionsFileName))[1];
        Assert.StartsWith($"1,cpu,{get_num_threads()},", session);
    }

    [Fact]
    public void MovingABatchToItsOwnDeviceKeepsIt()
    {
        using var batch = new Tasks.ReferenceLinearAlignment(3, 4).Sample(2, new Generator(1));
        Assert.Same(batch, batch.MoveTo(CPU));
    }

    [Fact]
    public void DefaultThreadsShareThePhysicalCoresBetweenParallelRuns()
    {
        int cores = TorchThreads.PhysicalCores;
        Assert.InRange(cores, 1, Environment.ProcessorCount);
        Assert.Equal(cores, TorchThreads.DefaultFor(1));
        Assert.Equal(Math.Max(1, cores / 2), TorchThreads.DefaultFor(2));
        Assert.Equal(1, TorchThreads.DefaultFor(cores + 1));
    }

    private static string TemporaryRun() => Path.Combine(Path.GetTempPath(), "selfcorrect-tests", Guid.NewGuid().ToString("N"));
}
