using System.Globalization;
using System.Runtime.InteropServices;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment;

/// <summary>
/// libtorch's intra-op thread count, which is process-wide. Every request that runs TorchSharp work has an optional
/// <c>Threads</c> setting; without it the count is the physical cores shared out between the runs of the process, not
/// libtorch's own choice (one per logical processor), which oversubscribes the cores as soon as anything else runs:
/// spinning OpenMP threads then wait on each other. The same seed and thread count give the same numbers.
/// </summary>
public static class TorchThreads
{
    private const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>
    /// Makes libtorch's OpenMP threads sleep rather than spin while they wait for each other (OMP_WAIT_POLICY=PASSIVE),
    /// unless the environment sets a policy already: a spinning thread burns the time slice that the thread it waits
    /// for needs when another process competes for the cores. OpenMP reads the variable once, when the first TorchSharp
    /// call loads libtorch, so programs call this first thing. On Linux only (where libtorch-cpu uses GNU OpenMP).
    /// </summary>
    public static void PreferPassiveWaiting()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WaitPolicyVariable) is not null) return;
        // The native environment, which OpenMP reads; .NET's own copy is kept in step for what the program prints.
        if (SetNativeEnvironment(WaitPolicyVariable, "PASSIVE", overwrite: 0) == 0)
            Environment.SetEnvironmentVariable(WaitPolicyVariable, "PASSIVE");
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>A count below 1 is an error naming <paramref name="setting"/>; null is libtorch's choice.</summary>
    /// <param name="threads">The thread count, or null.</param>
    /// <param name="setting">The request property that holds the count, named in the error.</param>
    public static void Validate(int? threads, string setting)
    {
        if (threads < 1) throw new InvalidSettingException(setting, $"must be at least 1 (got {threads})");
    }

    /// <summary>Sets the count; null: <see cref="DefaultFor"/> the <paramref name="parallelRuns"/>. Returns the count set.</summary>
    public static int Apply(int? threads, int parallelRuns = 1)
    {
        int count = threads ?? DefaultFor(parallelRuns);
        TorchSharp.torch.set_num_threads(count);
        return count;
    }

    /// <summary>The physical cores this process may use, divided between <paramref name="parallelRuns"/> runs (at least 1).</summary>
    public static int DefaultFor(int parallelRuns) => Math.Max(1, PhysicalCores / Math.Max(1, parallelRuns));

    /// <summary>
    /// Physical cores among the processors this process may run on (Linux topology in sysfs: one per distinct
    /// package and core id), at most <see cref="Environment.ProcessorCount"/>, which already counts the affinity mask
    /// and a cgroup CPU quota; <see cref="Environment.ProcessorCount"/> where the topology cannot be read.
    /// </summary>
    public static int PhysicalCores { get; } = CountPhysicalCores();

    private static int CountPhysicalCores()
    {
        const string root = "/sys/devices/system/cpu";
        var allowed = AllowedProcessors();
        var cores = new HashSet<string>();
        try
        {
            foreach (string directory in Directory.Exists(root) ? Directory.EnumerateDirectories(root, "cpu*") : [])
            {
                string topology = Path.Combine(directory, "topology");
                if (!int.TryParse(Path.GetFileName(directory).AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int cpu)
                    || allowed?.Contains(cpu) == false || !File.Exists(Path.Combine(topology, "core_id")))
                    continue;
                cores.Add(File.ReadAllText(Path.Combine(topology, "physical_package_id")).Trim() + "/" + File.ReadAllText(Path.Combine(topology, "core_id")).Trim());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cores.Clear();
        }
        return cores.Count == 0 ? Environment.ProcessorCount : Math.Min(cores.Count, Environment.ProcessorCount);
    }

    /// <summary>The processors of this process's affinity mask (Cpus_allowed_list in /proc/self/status, e.g. "0-3,8"); null when unknown.</summary>
    private static HashSet<int>? AllowedProcessors()
    {
        const string status = "/proc/self/status", field = "Cpus_allowed_list:";
        try
        {
            string? line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) : null;
            if (line is null) return null;
            var allowed = new HashSet<int>();
            foreach (string range in line[field.Length..].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] ends = range.Split('-');
                int first = int.Parse(ends[0], CultureInfo.InvariantCulture), last = int.Parse(ends[^1], CultureInfo.InvariantCulture);
                for (int cpu = first; cpu <= last; cpu++) allowed.Add(cpu);
            }
            return allowed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
