namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>"A &lt; B": configuration A is claimed to reach a lower error than configuration B.</summary>
public sealed record SweepClaim(string Lower, string Higher)
{
    /// <summary>The claim as the sweep file writes it: <c>A &lt; B</c>.</summary>
    public override string ToString() => $"{Lower} < {Higher}";
}
