using SelfCorrect.Alignment.Configuration;
using SelfCorrect.Alignment.Training;
using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>
/// <c>ica run</c> and <c>ica train</c>: a training run in its run directory, held (locked) until disposed. A new run
/// writes its resolved config.yaml first; a resumed one reads it back, and refuses other settings than the ones it
/// was started with.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    private readonly RunDirectory runDirectory;

    private TrainingRun(RunDirectory runDirectory, ExperimentConfig config, bool resuming, TorchSharp.torch.Device device)
    {
        this.runDirectory = runDirectory;
        Config = config;
        Resuming = resuming;
        Device = device;
    }

    /// <summary>Where training and evaluation compute (the request's <see cref="TrainingRunRequest.Device"/>).</summary>
    public TorchSharp.torch.Device Device { get; }

    /// <summary>The run directory as given.</summary>
    public string Directory => runDirectory.Path;

    /// <summary>The resolved settings the run trains with (its config.yaml).</summary>
    public ExperimentConfig Config { get; }

    /// <summary>True when training continues from the run's last checkpoint.</summary>
    public bool Resuming { get; }

    /// <summary>Opens (and locks) the run directory: a new run writes its config.yaml; a resumed run reads it back and refuses other settings.</summary>
    public static TrainingRun Start(TrainingRunRequest request)
    {
        request.Validate();
        string directory = request.OutputDirectoryOrDefault;
        RunDirectory? run = null;
        try
        {
            ExperimentConfig config;
            if (request.Resume)
            {
                var given = request.Preset is not null || request.Overrides.Count > 0 ? LoadPreset(request) : null;
                run = RunDirectory.OpenExisting(directory, LabRuns.Training, nameof(request.OutputDirectory));
                string configPath = run.PathOf(LabRuns.ConfigFile);
                config = PresetLoader.LoadResolved(configPath);
                if (given is not null && PresetLoader.ToYaml(given) != PresetLoader.ToYaml(config))
                    throw new InvalidSettingException(nameof(request.Resume),
                        $"the given {{{nameof(request.Preset)}}}/{{{nameof(request.Overrides)}}} differ from {configPath}; resume without them or start a new run");
            }
            else
            {
                config = LoadPreset(request);
                run = RunDirectory.Create(directory, LabRuns.Training, request.Force, nameof(request.OutputDirectory), nameof(request.Force));
                AtomicFile.WriteAllText(run.PathOf(LabRuns.ConfigFile), PresetLoader.ToYaml(config));
            }
            TorchThreads.Apply(request.Threads);
            return new TrainingRun(run, config, request.Resume, TorchDevices.Resolve(request.Device, nameof(request.Device)));
        }
        catch
        {
            run?.Dispose();
            throw;
        }
    }

    /// <summary>Trains to the last step (or until cancelled, saving a checkpoint).</summary>
    /// <exception cref="TrainingDivergedException">The loss stopped being a finite number.</exception>
    public TrainingOutcome Train(ITrainingProgress? progress = null, CancellationToken cancellationToken = default) =>
        new Trainer(Config, Directory, Device).Train(Resuming, progress, cancellationToken);

    /// <summary>The paper's results (a) and (b) for the trained run, written into it and printed to <paramref name="output"/>.</summary>
    public void Evaluate(TextWriter output) => TrainedModelEvaluation.Report(Directory, comparison: true, noise: true, output, Device);

    /// <summary>Releases the run directory's lock.</summary>
    public void Dispose() => runDirectory.Dispose();

    private static ExperimentConfig LoadPreset(TrainingRunRequest request)
    {
        string path;
        try
        {
            path = PresetLoader.Resolve(request.PresetOrDefault);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            throw new InvalidSettingException(nameof(request.Preset), e.Message);
        }
        return PresetLoader.Load(path, request.Overrides);
    }
}
