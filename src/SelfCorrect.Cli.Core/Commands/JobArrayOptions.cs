using System.CommandLine;
using System.CommandLine.Parsing;
using SelfCorrect.Common;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// <c>--shard i/N</c> and the <c>--emit slurm|k8s</c> options of the commands that can be split into shards: with
/// <c>--emit</c>, the command writes a job array that runs itself once per shard (the same command line without the
/// emit options, plus <c>--shard</c>) instead of running.
/// </summary>
public sealed class JobArrayOptions
{
    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Run only shard i of N (0-based, e.g. 0/4: pass $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX as i); the shards share the output directory.",
        HelpName = "i/N",
    };
    public Option<JobScheduler?> Emit { get; } = new("--emit") { Description = "Instead of running, write a job array that runs this command in --shards shards: slurm (an sbatch submission script) or k8s (an Indexed Job manifest).", HelpName = "slurm|k8s" };
    public Option<string?> EmitFile { get; } = new("--emit-file") { Description = "With --emit: write the job here (atomically) instead of to standard output." };
    public Option<int> Shards { get; } = new("--shards") { Description = "With --emit: how many shards.", DefaultValueFactory = _ => 2 };
    public Option<string?> Partition { get; } = new("--partition") { Description = "With --emit slurm: the partition (default: the cluster's)." };
    public Option<string?> Time { get; } = new("--time") { Description = "With --emit slurm: wall-time limit per shard (minutes, HH:MM:SS or D-HH:MM:SS)." };
    public Option<int> CpusPerTask { get; } = new("--cpus-per-task") { Description = "With --emit: CPU cores per shard.", DefaultValueFactory = _ => 1 };
    public Option<int> Gpus { get; } = new("--gpus") { Description = "With --emit: GPUs per shard.", DefaultValueFactory = _ => 0 };
    public Option<AggregateAfter> AggregateAfter { get; } = new("--aggregate-after")
    {
        Description = "With --emit slurm: start the aggregation job after every shard succeeded (ok) or ended in any way (any: it reports what is missing).",
        HelpName = "ok|any",
        DefaultValueFactory = _ => Common.AggregateAfter.Any,
    };
    public Option<string?> Image { get; } = new("--image") { Description = "With --emit k8s: the container image holding selfcorrect." };
    public Option<string?> VolumeClaim { get; } = new("--pvc") { Description = "With --emit k8s: a PersistentVolumeClaim mounted at the working directory (the shared file system)." };
    public Option<string?> Launcher { get; } = new("--launcher") { Description = "With --emit: how the job starts selfcorrect (default: this program's path), e.g. 'dotnet /opt/selfcorrect/selfcorrect.dll'." };

    private IEnumerable<Option> EmitOptions => [Emit, EmitFile, Shards, Partition, Time, CpusPerTask, Gpus, AggregateAfter, Image, VolumeClaim, Launcher];

    public void AddTo(Command command)
    {
        command.Options.Add(Shard);
        foreach (var option in EmitOptions) command.Options.Add(option);
        command.MapSetting(nameof(Common.Shard), Shard)
            .MapSetting(nameof(JobArray.Shards), Shards)
            .MapSetting(nameof(JobArray.Partition), Partition)
            .MapSetting(nameof(JobArray.Time), Time)
            .MapSetting(nameof(JobArray.CpusPerTask), CpusPerTask)
            .MapSetting(nameof(JobArray.Gpus), Gpus)
            .MapSetting(nameof(JobArray.Image), Image)
            .MapSetting(nameof(JobArray.VolumeClaim), VolumeClaim);
    }

    /// <summary>
    /// The <c>--shard</c> given, parsed (null: none); with <c>--emit</c>, the first shard of the job, so that the request
    /// is validated as each shard will run it.
    /// </summary>
    public Shard? ReadShard(ParseResult parse)
    {
        string? text = parse.GetValue(Shard);
        if (parse.GetValue(Emit) is null) return text is null ? null : Common.Shard.Parse(text, nameof(Common.Shard));
        if (text is not null) throw new InvalidSettingException(nameof(Common.Shard), "cannot be combined with --emit: the job array gives every shard its own");
        int count = parse.GetValue(Shards);
        if (count < 1) throw new InvalidSettingException(nameof(JobArray.Shards), $"must be at least 1 (got {count})");
        return new Shard(0, count);
    }

    /// <summary>
    /// With <c>--emit</c>: writes the job array (to standard output or atomically to <c>--emit-file</c>) and returns true;
    /// without it, false. The shards run this command line without the emit options; <paramref name="aggregate"/>
    /// gives the arguments of the aggregation command (null: none).
    /// </summary>
    public bool TryEmit(ParseResult parse, string name, Func<IReadOnlyList<string>, IReadOnlyList<string>>? aggregate)
    {
        if (parse.GetValue(Emit) is not { } scheduler) return false;
        string[] launcher = (parse.GetValue(Launcher) ?? DefaultLauncher()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var arguments = CommandLineWithout(parse, EmitOptions);
        var job = new JobArray
        {
            Name = name,
            Shards = parse.GetValue(Shards),
            Command = [.. launcher, .. arguments],
            AggregateCommand = aggregate is null ? null : [.. launcher, .. aggregate(arguments)],
            WorkingDirectory = Directory.GetCurrentDirectory(),
            Partition = parse.GetValue(Partition),
            Time = parse.GetValue(Time),
            CpusPerTask = parse.GetValue(CpusPerTask),
            Gpus = parse.GetValue(Gpus),
            AggregateAfter = parse.GetValue(AggregateAfter),
            Image = parse.GetValue(Image),
            VolumeClaim = parse.GetValue(VolumeClaim),
        };
        string text = job.Emit(scheduler);
        if (parse.GetValue(EmitFile) is { } file)
        {
            AtomicFile.WriteAllText(file, text);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {file}: {job.Shards} shard(s) for {scheduler.ToString().ToLowerInvariant()}");
        }
        else
        {
            parse.InvocationConfiguration.Output.Write(text);
        }
        return true;
    }

    /// <summary>The words of the command line as the user typed them (commands, options, values), without <paramref name="left"/> and their values.</summary>
    private static List<string> CommandLineWithout(ParseResult parse, IEnumerable<Option> left)
    {
        var dropped = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var option in left)
        {
            if (parse.GetResult(option) is not { Implicit: false } result) continue;
            if (result.IdentifierToken is { } identifier) dropped.Add(identifier);
            foreach (var token in result.Tokens) dropped.Add(token);
        }
        return [.. parse.Tokens.Where(token => !dropped.Contains(token)).Select(token => token.Value)];
    }

    /// <summary>This program: its native launcher when there is one beside the assembly, else <c>dotnet</c> with the assembly.</summary>
    private static string DefaultLauncher()
    {
        // The program's assembly (selfcorrect.dll), not this library's, which the tool and the lab program share.
        string assembly = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? typeof(JobArrayOptions).Assembly.Location;
        string native = Path.Combine(Path.GetDirectoryName(assembly)!, OperatingSystem.IsWindows() ? "selfcorrect.exe" : "selfcorrect");
        return File.Exists(native) ? native : $"dotnet {assembly}";
    }
}
