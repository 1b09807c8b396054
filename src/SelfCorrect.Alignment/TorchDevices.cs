using System.Globalization;
using SelfCorrect.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace SelfCorrect.Alignment;

/// <summary>
/// Where the lab's models and tensors live: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, or <c>auto</c> (the first GPU
/// when CUDA is available, else the CPU). Random draws stay on the seeded CPU generators and their results move to
/// the device afterwards, so a seed gives the same data and initial weights on every device.
/// </summary>
public static class TorchDevices
{
    /// <summary>The CPU.</summary>
    public const string Cpu = "cpu";
    /// <summary>The first CUDA device (<c>cuda:N</c> names device N).</summary>
    public const string Cuda = "cuda";
    /// <summary>The first CUDA device when CUDA is available, else the CPU.</summary>
    public const string Auto = "auto";

    /// <summary>What a request without a device setting uses: the CPU, whose numbers reproduce on every machine.</summary>
    public const string Default = Cpu;

    /// <summary>The device a setting names (null: <see cref="Default"/>); errors name <paramref name="setting"/>.</summary>
    /// <exception cref="InvalidSettingException">Not a device name, or a CUDA device this process cannot use.</exception>
    public static Device Resolve(string? device, string setting)
    {
        string name = (device ?? Default).Trim().ToLowerInvariant();
        if (name == Cpu) return CPU;
        // Only a setting that may use CUDA probes for it: the CPU path never loads CUDA libraries.
        if (name == Auto) return cuda.is_available() ? new Device(DeviceType.CUDA, 0) : CPU;
        int index = 0;
        if (name != Cuda && !(name.StartsWith(Cuda + ":", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(Cuda.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out index)))
            throw new InvalidSettingException(setting, $"'{device}' is not a device: use {Cpu}, {Cuda}, {Cuda}:N or {Auto}");
        if (!cuda.is_available())
            throw new InvalidSettingException(setting,
                $"{name} asked for, but CUDA is not available here (no GPU visible, or this build's libtorch is the CPU package: build with -p:LibTorchPackage=libtorch-cuda-12.8-linux-x64, see docs/platform.md); use {Cpu} or {Auto}");
        int count = cuda.device_count();
        if (index >= count)
            throw new InvalidSettingException(setting, $"{name} asked for, but only {count} CUDA device(s) are visible (cuda:0..cuda:{count - 1})");
        return new Device(DeviceType.CUDA, index);
    }

    /// <summary>The name written into run summaries, e.g. "cpu" or "cuda:0".</summary>
    public static string Describe(Device device) =>
        device.type == DeviceType.CPU ? Cpu : string.Create(CultureInfo.InvariantCulture, $"{Cuda}:{Math.Max(0, device.index)}");
}
