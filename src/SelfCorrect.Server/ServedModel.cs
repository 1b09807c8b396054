using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Server;

/// <summary>A model the server answers to: its name, its upstream client (shared by all requests) and its default correction.</summary>
public sealed class ServedModel(string name, ModelSpec spec, BackendOptions backend, IChatClient upstream, string strategy, StrategySettings settings)
{
    public string Name { get; } = name;

    public ModelSpec Spec { get; } = spec;

    public IChatClient Upstream { get; } = upstream;

    public string Strategy { get; } = strategy;

    public StrategySettings Settings { get; } = settings;

    /// <summary>The message with the upstream's key, if it appears, replaced: upstream errors may echo it.</summary>
    public string Redact(string message)
    {
        string? key = Spec.Kind == BackendKind.OpenAI ? Environment.GetEnvironmentVariable(backend.ApiKeyEnvironmentVariable) : null;
        return string.IsNullOrEmpty(key) ? message : message.Replace(key, "***", StringComparison.Ordinal);
    }
}
