using YamlDotNet.RepresentationModel;

namespace SelfCorrect.Common.Tests;

public sealed class JobArrayTests
{
    private static JobArray Job(Func<JobArray, JobArray>? change = null)
    {
        var job = new JobArray
        {
            Name = "sweep-depth quick",
            Shards = 4,
            Command = ["/opt/sc/selfcorrect", "ica", "sweep", "--preset", "depth-quick", "--out", "runs/it's here"],
            AggregateCommand = ["/opt/sc/selfcorrect", "ica", "sweep", "--preset", "depth-quick", "--aggregate"],
            WorkingDirectory = "/shared/project",
            Partition = "gpu",
            Time = "02:00:00",
            CpusPerTask = 8,
            Gpus = 1,
            Image = "registry.example/selfcorrect:1",
            VolumeClaim = "project-data",
        };
        return change is null ? job : change(job);
    }

    private static IEnumerable<string> Directives(string script, string heredoc)
    {
        string body = script[(script.IndexOf($"<<'{heredoc}'\n", StringComparison.Ordinal) + heredoc.Length + 4)..];
        return body[..body.IndexOf($"\n{heredoc}\n", StringComparison.Ordinal)].Split('\n').Where(line => line.StartsWith("#SBATCH ", StringComparison.Ordinal));
    }

    [Fact]
    public void SlurmSubmitsAnArrayAndAnAggregationThatDependsOnIt()
    {
        string script = Job().Emit(JobScheduler.Slurm);
        Assert.StartsWith("#!/bin/bash\n", script);
        Assert.Equal(
            ["#SBATCH --job-name=sweep-depth-quick", "#SBATCH --array=0-3", "#SBATCH --chdir=/shared/project", "#SBATCH --output=sweep-depth-quick-%A_%a.out",
             "#SBATCH --ntasks=1", "#SBATCH --cpus-per-task=8", "#SBATCH --gpus=1", "#SBATCH --partition=gpu", "#SBATCH --time=02:00:00"],
            Directives(script, "SHARD"));
        Assert.Contains("exec /opt/sc/selfcorrect ica sweep --preset depth-quick --out 'runs/it'\\''s here' --shard \"${SLURM_ARRAY_TASK_ID}/4\"\n", script);
        Assert.Contains("aggregate_job=$(sbatch --parsable --dependency=afterany:\"${array_job}\" <<'AGGREGATE'", script);
        Assert.DoesNotContain(Directives(script, "AGGREGATE"), line => line.StartsWith("#SBATCH --array", StringComparison.Ordinal) || line.StartsWith("#SBATCH --gpus", StringComparison.Ordinal));
        Assert.Contains("exec /opt/sc/selfcorrect ica sweep --preset depth-quick --aggregate\n", script);
        Assert.Contains("--dependency=afterok:", Job(j => j with { AggregateAfter = AggregateAfter.Ok }).Emit(JobScheduler.Slurm));
        Assert.DoesNotContain("AGGREGATE", Job(j => j with { AggregateCommand = null }).Emit(JobScheduler.Slurm));
    }

    [Fact]
    public void KubernetesGetsAnIndexedJobWhosePodsPassTheirCompletionIndex()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Job().Emit(JobScheduler.K8s)));
        var job = (YamlMappingNode)yaml.Documents.Single().RootNode;
        string At(YamlNode node, params string[] path) => path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]).ToString();
        Assert.Equal("batch/v1", At(job, "apiVersion"));
        Assert.Equal("Job", At(job, "kind"));
        Assert.Equal("sweep-depth-quick", At(job, "metadata", "name"));
        Assert.Equal("Indexed", At(job, "spec", "completionMode"));
        Assert.Equal("4", At(job, "spec", "completions"));
        Assert.Equal("4", At(job, "spec", "parallelism"));
        var pod = (YamlMappingNode)((YamlMappingNode)job["spec"])["template"]["spec"];
        Assert.Equal("Never", At(pod, "restartPolicy"));
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Single();
        Assert.Equal("registry.example/selfcorrect:1", At(container, "image"));
        Assert.Equal("/shared/project", At(container, "workingDir"));
        var command = ((YamlSequenceNode)container["command"]).Select(n => n.ToString()).ToList();
        Assert.Equal(["/bin/sh", "-c"], command[..2]);
        Assert.EndsWith("--shard \"$JOB_COMPLETION_INDEX/4\"", command[2]);
        Assert.Equal("8", At(container, "resources", "limits", "cpu"));
        Assert.Equal("1", At(container, "resources", "limits", "nvidia.com/gpu"));
        Assert.Equal("/shared/project", At(((YamlSequenceNode)container["volumeMounts"]).Single(), "mountPath"));
        Assert.Equal("project-data", At(((YamlSequenceNode)pod["volumes"]).Single(), "persistentVolumeClaim", "claimName"));
    }

    [Theory]
    [InlineData(JobScheduler.Slurm, "Shards", "must be at least 1")]
    [InlineData(JobScheduler.Slurm, "Time", "HH:MM:SS")]
    [InlineData(JobScheduler.Slurm, "Partition", "not a partition name")]
    [InlineData(JobScheduler.Slurm, "Gpus", "0 or more")]
    [InlineData(JobScheduler.K8s, "Image", "container image")]
    public void BadSettingsNameTheSetting(JobScheduler scheduler, string setting, string expected)
    {
        var job = Job(j => setting switch
        {
            "Shards" => j with { Shards = 0 },
            "Time" => j with { Time = "2 hours" },
            "Partition" => j with { Partition = "gpu nodes" },
            "Gpus" => j with { Gpus = -1 },
            _ => j with { Image = null },
        });
        var error = Assert.Throws<InvalidSettingException>(() => job.Emit(scheduler));
        Assert.Equal(setting, error.Setting);
        Assert.Contains(expected, error.Message);
    }
}
