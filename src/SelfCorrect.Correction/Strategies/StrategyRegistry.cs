namespace SelfCorrect.Correction;

/// <summary>
/// Strategies by name, in a fixed order: each name with the function that builds its strategy from
/// <see cref="StrategySettings"/>. The general defences are <see cref="CorrectionStrategies"/>; a benchmark with
/// strategies of its own keeps a registry of them.
/// </summary>
/// <param name="kind">What the names are, for errors (e.g. <c>strategy</c>, <c>BBQ strategy</c>).</param>
public sealed class StrategyRegistry(string kind)
{
    /// <summary>The setting an unknown name is reported against unless the caller names another.</summary>
    public const string StrategySetting = "Strategy";

    private readonly List<(string Name, Func<StrategySettings, ICorrectionStrategy> Create)> _entries = [];

    /// <summary>The registered names, in order.</summary>
    public IReadOnlyList<string> Names => [.. _entries.Select(entry => entry.Name)];

    /// <summary>
    /// Registers <paramref name="name"/>; the factory throws an <see cref="ArgumentException"/> naming the setting
    /// (<see cref="ArgumentException.ParamName"/>) for settings its strategy rejects.
    /// </summary>
    public StrategyRegistry Add(string name, Func<StrategySettings, ICorrectionStrategy> create)
    {
        if (_entries.Any(entry => entry.Name == name)) throw new ArgumentException($"{kind} '{name}' is registered twice", nameof(name));
        _entries.Add((name, create));
        return this;
    }

    /// <summary>
    /// Builds the named strategy. An unknown name throws an <see cref="ArgumentException"/> naming
    /// <paramref name="nameSetting"/> (the request property that held the name); an invalid setting, the setting.
    /// </summary>
    public ICorrectionStrategy Create(string name, StrategySettings settings, string nameSetting = StrategySetting)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (known, create) in _entries)
            if (known == name) return create(settings);
        throw new ArgumentException($"unknown {kind} '{name}' (expected one of {string.Join(", ", Names)})", nameSetting);
    }
}
