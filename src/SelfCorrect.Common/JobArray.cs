using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace SelfCorrect.Common;

/// <summary>Which scheduler a job array is written for.</summary>
public enum JobScheduler
{
    /// <summary>A shell script that submits an sbatch job array and an aggregation job depending on it.</summary>
    Slurm,

    /// <summary>A Kubernetes Job manifest with <c>completionMode: Indexed</c>.</summary>
    K8s,
}

/// <summary>When Slurm starts the aggregation job: after every shard succeeded, or after every shard ended in any way.</summary>
public enum AggregateAfter
{
    /// <summary><c>--dependency=afterok</c>: only when every shard succeeded.</summary>
    Ok,

    /// <summary><c>--dependency=afterany</c>: also when some failed, so the summary names what is missing.</summary>
    Any,
}

/// <summary>
/// A job that runs one command once per shard (with <c>--shard i/N</c> appended, i from the scheduler's 0-based
/// array index) and, on Slurm, one aggregation command after all shards. Every process runs in
/// <see cref="WorkingDirectory"/>, which must be on a file system all nodes share: the shards meet in their common run
/// directory, whose locks keep them apart.
/// </summary>
public sealed partial record JobArray
{
    /// <summary>The job's name (made a DNS label by <see cref="JobName"/>: Slurm's --job-name, the Kubernetes Job's name).</summary>
    public required string Name { get; init; }

    /// <summary>How many shards (array tasks, completions).</summary>
    public required int Shards { get; init; }

    /// <summary>The program and its arguments, without <c>--shard</c>: each shard appends its own.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>What the aggregation job runs once the shards are done (null: none).</summary>
    public IReadOnlyList<string>? AggregateCommand { get; init; }

    /// <summary>Where every process runs (absolute).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Slurm partition (null: the cluster's default).</summary>
    public string? Partition { get; init; }

    /// <summary>Wall-time limit per shard in Slurm's syntax (minutes, <c>HH:MM:SS</c>, <c>D-HH:MM:SS</c>; null: the partition's default).</summary>
    public string? Time { get; init; }

    /// <summary>CPU cores per shard.</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary>GPUs per shard (0: none).</summary>
    public int Gpus { get; init; }

    /// <summary>When the Slurm aggregation job starts.</summary>
    public AggregateAfter AggregateAfter { get; init; } = AggregateAfter.Any;

    /// <summary>Kubernetes: the container image holding the program.</summary>
    public string? Image { get; init; }

    /// <summary>Kubernetes: a PersistentVolumeClaim mounted at <see cref="WorkingDirectory"/> (the shared file system).</summary>
    public string? VolumeClaim { get; init; }

    /// <summary>Checks the settings; errors name the property.</summary>
    public void Validate(JobScheduler scheduler)
    {
        if (Shards < 1) throw new InvalidSettingException(nameof(Shards), $"must be at least 1 (got {Shards})");
        if (CpusPerTask < 1) throw new InvalidSettingException(nameof(CpusPerTask), $"must be at least 1 (got {CpusPerTask})");
        if (Gpus < 0) throw new InvalidSettingException(nameof(Gpus), $"must be 0 or more (got {Gpus})");
        if (Time is not null && !SlurmTime().IsMatch(Time))
            throw new InvalidSettingException(nameof(Time), $"expected minutes, HH:MM:SS or D-HH:MM:SS, as sbatch --time takes (got '{Time}')");
        if (Partition is not null && !SlurmName().IsMatch(Partition)) throw new InvalidSettingException(nameof(Partition), $"not a partition name (got '{Partition}')");
        if (scheduler == JobScheduler.K8s && string.IsNullOrWhiteSpace(Image))
            throw new InvalidSettingException(nameof(Image), "a Kubernetes Job needs the container image that holds the program");
        if (scheduler == JobScheduler.K8s && VolumeClaim is not null && !KubernetesName().IsMatch(VolumeClaim))
            throw new InvalidSettingException(nameof(VolumeClaim), $"not a Kubernetes resource name (got '{VolumeClaim}')");
    }

    /// <summary>The job's text for <paramref name="scheduler"/>, after <see cref="Validate"/>.</summary>
    public string Emit(JobScheduler scheduler)
    {
        Validate(scheduler);
        return scheduler == JobScheduler.Slurm ? Slurm() : Kubernetes();
    }

    /// <summary>
    /// A bash script that submits the array (<c>--array=0-(N-1)</c>; each task appends
    /// <c>--shard $SLURM_ARRAY_TASK_ID/N</c>) and then the aggregation job with <c>--dependency=afterok|afterany</c>
    /// on the array's job id (<c>sbatch --parsable</c> prints it); it prints both ids.
    /// </summary>
    private string Slurm()
    {
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"# Submits {Shards} shard(s) of `{ShellWords(Command)}` as a Slurm job array");
        text.Append(AggregateCommand is null ? ".\n" : ", then the aggregation job.\n");
        text.Append("# Run it with bash on a login node; every node must see the working directory.\n");
        text.Append("set -euo pipefail\n");
        text.Append("array_job=$(sbatch --parsable <<'SHARD'\n");
        AppendSlurmHeader(text, Name, array: true, CpusPerTask, Gpus);
        text.Append($"exec {ShellWords(Command)} --shard \"${{SLURM_ARRAY_TASK_ID}}/{Shards}\"\n");
        text.Append("SHARD\n)\n");
        text.Append("echo \"submitted shards: job ${array_job}\"\n");
        if (AggregateCommand is not null)
        {
            string dependency = AggregateAfter == AggregateAfter.Ok ? "afterok" : "afterany";
            text.Append($"aggregate_job=$(sbatch --parsable --dependency={dependency}:\"${{array_job}}\" <<'AGGREGATE'\n");
            AppendSlurmHeader(text, Name + "-aggregate", array: false, cpus: CpusPerTask, gpus: 0);
            text.Append($"exec {ShellWords(AggregateCommand)}\n");
            text.Append("AGGREGATE\n)\n");
            text.Append("echo \"submitted aggregation: job ${aggregate_job}\"\n");
        }
        return text.ToString();
    }

    private void AppendSlurmHeader(StringBuilder text, string name, bool array, int cpus, int gpus)
    {
        name = JobName(name);
        text.Append("#!/bin/bash\n");
        text.Append($"#SBATCH --job-name={name}\n");
        if (array) text.Append(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{Shards - 1}\n"));
        text.Append($"#SBATCH --chdir={WorkingDirectory}\n");
        // %A is the array's job id and %a the task's index: one log per shard.
        text.Append(array ? $"#SBATCH --output={name}-%A_%a.out\n" : $"#SBATCH --output={name}-%j.out\n");
        text.Append("#SBATCH --ntasks=1\n");
        text.Append(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={cpus}\n"));
        if (gpus > 0) text.Append(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --gpus={gpus}\n"));
        if (Partition is not null) text.Append($"#SBATCH --partition={Partition}\n");
        if (Time is not null) text.Append($"#SBATCH --time={Time}\n");
    }

    /// <summary>
    /// An Indexed Job: N completions, all allowed to run at once, each pod running the command with
    /// <c>--shard $JOB_COMPLETION_INDEX/N</c> (the index Kubernetes sets in every pod of an Indexed Job) in the
    /// working directory, on the claimed volume when one is named. A pod that fails is retried (backoffLimitPerIndex),
    /// and the retry resumes its shard.
    /// </summary>
    private string Kubernetes()
    {
        var container = new Dictionary<string, object>
        {
            ["name"] = "shard",
            ["image"] = Image!,
            ["workingDir"] = WorkingDirectory,
            ["command"] = new[] { "/bin/sh", "-c", $"exec {ShellWords(Command)} --shard \"$JOB_COMPLETION_INDEX/{Shards}\"" },
            ["resources"] = new Dictionary<string, object>
            {
                ["limits"] = Gpus > 0
                    ? new Dictionary<string, object> { ["cpu"] = CpusPerTask.ToString(CultureInfo.InvariantCulture), ["nvidia.com/gpu"] = Gpus.ToString(CultureInfo.InvariantCulture) }
                    : new Dictionary<string, object> { ["cpu"] = CpusPerTask.ToString(CultureInfo.InvariantCulture) },
            },
        };
        var pod = new Dictionary<string, object> { ["restartPolicy"] = "Never", ["containers"] = new[] { container } };
        if (VolumeClaim is not null)
        {
            container["volumeMounts"] = new[] { new Dictionary<string, object> { ["name"] = "work", ["mountPath"] = WorkingDirectory } };
            pod["volumes"] = new[] { new Dictionary<string, object> { ["name"] = "work", ["persistentVolumeClaim"] = new Dictionary<string, object> { ["claimName"] = VolumeClaim } } };
        }
        var job = new Dictionary<string, object>
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new Dictionary<string, object> { ["name"] = JobName(Name) },
            ["spec"] = new Dictionary<string, object>
            {
                ["completionMode"] = "Indexed",
                ["completions"] = Shards,
                ["parallelism"] = Shards,
                ["backoffLimitPerIndex"] = 2,
                ["template"] = new Dictionary<string, object> { ["spec"] = pod },
            },
        };
        string note = $"# {Shards} shard(s) of `{ShellWords(Command)}` as a Kubernetes Indexed Job.\n"
            + (AggregateCommand is null ? "" : $"# The last shard to finish writes the merged results; to aggregate by hand afterwards: {ShellWords(AggregateCommand)}\n");
        return note + new SerializerBuilder().Build().Serialize(job);
    }

    /// <summary>
    /// A DNS-1123 label from <paramref name="name"/> (lower case, letters, digits and '-', at most 63 characters): what
    /// a Kubernetes Job's name must be, and safe in an sbatch directive and a log file's name.
    /// </summary>
    public static string JobName(string name)
    {
        string label = NotDnsLabel().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (label.Length > 63) label = label[..63].TrimEnd('-');
        return label.Length == 0 ? "selfcorrect" : label;
    }

    /// <summary>The words as one shell command line, each quoted where the shell would otherwise change it.</summary>
    public static string ShellWords(IEnumerable<string> words) => string.Join(' ', words.Select(ShellWord));

    private static string ShellWord(string word) =>
        word.Length > 0 && PlainShellWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^(\d+|\d+:\d{2}(:\d{2})?|\d+-\d{1,2}(:\d{2}(:\d{2})?)?)$")]
    private static partial Regex SlurmTime();

    [GeneratedRegex(@"^[A-Za-z0-9_.,-]+$")]
    private static partial Regex SlurmName();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex KubernetesName();

    [GeneratedRegex(@"[^a-z0-9-]+")]
    private static partial Regex NotDnsLabel();

    [GeneratedRegex(@"^[A-Za-z0-9_./:=@%+,-]+$")]
    private static partial Regex PlainShellWord();
}
