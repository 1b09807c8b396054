namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>A sweep: one axis (a file with <c>configurations</c>) or several (a file with <c>include</c>).</summary>
public sealed record SweepDefinition(string Name, string Title, string SourcePath, IReadOnlyList<SweepAxis> Axes);
