using SelfCorrect.Common;

namespace SelfCorrect.Alignment.Experiments;

/// <summary>
/// The kinds of run directory the lab writes (see <see cref="RunDirectory"/>: a marker names the kind, a lock keeps
/// a second process out, and only a run of the same kind is ever replaced), and the file every training run holds.
/// </summary>
public static class LabRuns
{
    /// <summary>A training run's resolved settings: what resuming and evaluating read back.</summary>
    public const string ConfigFile = "config.yaml";

    /// <summary><c>ica run</c>/<c>ica train</c>, and each (configuration, seed) of a sweep.</summary>
    public static readonly RunKind Training = new("training run", ConfigFile);

    /// <summary><c>ica sweep</c>; sweeps written before the marker carried <c>sweep.txt</c>.</summary>
    public static readonly RunKind Sweep = new("sweep", "sweep.txt");

    /// <summary><c>ica baselines</c>, recognised before the marker by its figure.</summary>
    public static readonly RunKind Baselines = new("baseline evaluation", "error_one_minus_cosine.png");

    /// <summary><c>ica construct</c>, recognised before the marker by its figure.</summary>
    public static readonly RunKind Construction = new("construction experiment", "error_vs_beta_gap.png");
}
