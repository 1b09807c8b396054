namespace SelfCorrect.Alignment.Construction;

/// <summary>The ablations' names as the command line writes them (<c>no-ffn</c>, …).</summary>
public static class ConstructionAblations
{
    /// <summary>Every ablation's name, in <see cref="ConstructionAblation"/> order.</summary>
    public static readonly IReadOnlyList<string> Names = ["none", "linear", "no-ffn", "one-head", "one-head-deep"];

    /// <summary>The ablation of a name; an unknown one is an <see cref="ArgumentException"/> listing the names.</summary>
    public static ConstructionAblation Parse(string name) => name switch
    {
        "none" => ConstructionAblation.None,
        "linear" => ConstructionAblation.Linear,
        "no-ffn" => ConstructionAblation.NoFeedForward,
        "one-head" => ConstructionAblation.OneHead,
        "one-head-deep" => ConstructionAblation.OneHeadDeep,
        _ => throw new ArgumentException($"unknown ablation '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    /// <summary>The name the command line and the output files use.</summary>
    public static string Name(this ConstructionAblation ablation) => Names[(int)ablation];
}
