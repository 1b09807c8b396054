using SelfCorrect.Common;
using SelfCorrect.Correction;

namespace SelfCorrect.Server;

/// <summary>The models a server serves: the default one (<see cref="ServerOptions.Model"/>) and the config file's aliases, each upstream created once.</summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly List<ServedModel> _models = [];

    private ModelCatalog() { }

    public IReadOnlyList<ServedModel> Models => _models;

    /// <summary>
    /// Creates every upstream and checks every strategy now, so a bad alias fails at start: config errors name the
    /// file and the alias (<c>serve.yaml: models[1] (safe): strategy: unknown strategy 'x' ...</c>).
    /// </summary>
    public static ModelCatalog Create(ServerOptions options)
    {
        var catalog = new ModelCatalog();
        try
        {
            if (options.Model is { } spec)
            {
                CorrectionStrategies.Create(options.Strategy, options.StrategySettings);
                catalog.Add(options.ModelName, spec, options.Backend, options.Strategy, options.StrategySettings);
            }
            if (options.ConfigFile is { } file) catalog.AddAliases(file, options);
            return catalog;
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    /// <summary>The model a request names; a missing name means the default (the first) model.</summary>
    public ServedModel? Find(string? name) =>
        string.IsNullOrEmpty(name) ? _models[0] : _models.FirstOrDefault(model => model.Name == name);

    private void AddAliases(string file, ServerOptions options)
    {
        var config = ServerConfig.Load(file);
        string directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        for (int i = 0; i < config.Models.Count; i++)
        {
            var alias = config.Models[i];
            string where = $"{file}: models[{i}] ({alias.Name})";
            try
            {
                if (alias.Name.Length == 0) throw new InvalidSettingException(nameof(ModelAliasSettings.Name), "must not be empty");
                if (_models.Any(model => model.Name == alias.Name)) throw new InvalidSettingException(nameof(ModelAliasSettings.Name), $"'{alias.Name}' is served twice");
                var backend = options.Backend with
                {
                    Endpoint = alias.Endpoint is { } url ? BackendOptions.ParseEndpoint(url) : options.Backend.Endpoint,
                    ApiKeyEnvironmentVariable = alias.ApiKeyEnv ?? options.Backend.ApiKeyEnvironmentVariable,
                };
                var settings = new StrategySettings
                {
                    Presets = alias.Presets is not { } presets ? PromptPresets.Default
                        : options.PresetsLoader is { } load ? load(Path.Combine(directory, presets))
                        : throw new InvalidSettingException(nameof(ModelAliasSettings.Presets), "needs a presets loader (ServerOptions.PresetsLoader)"),
                    Rounds = alias.Rounds,
                    Candidates = alias.Candidates,
                    Protocol = alias.Protocol,
                    CheckPrompt = alias.CheckPrompt,
                    Demonstrations = alias.Demonstrations,
                };
                CorrectionStrategies.Create(alias.Strategy, settings);
                Add(alias.Name, ModelSpec.Parse(alias.Model), backend, alias.Strategy, settings);
            }
            catch (ArgumentException argument) when (InvalidSettingException.From(argument) is { } e)
            {
                throw new InvalidDataException($"{where}: {e.Describe(setting => setting == nameof(ModelSpec) ? "model" : StrictYaml.KeyOf(setting))}", e);
            }
        }
        if (_models.Count == 0) throw new InvalidDataException($"{file}: models: no model to serve");
    }

    private void Add(string name, ModelSpec spec, BackendOptions backend, string strategy, StrategySettings settings) =>
        _models.Add(new ServedModel(name, spec, backend, ChatBackends.Create(spec, backend), strategy, settings));

    public void Dispose()
    {
        foreach (var model in _models) model.Upstream.Dispose();
    }
}
