namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>"A &lt; B": configuration A is claimed to reach a lower error than configuration B.</summary>
public sealed record SweepClaim(string Lower, string Higher)
{
    public override string ToString() => $"{Lower} < {Higher}";
}
