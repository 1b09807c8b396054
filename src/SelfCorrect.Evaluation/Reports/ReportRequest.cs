using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>Which run (or rescoring) directories a report covers and where it goes.</summary>
public sealed record ReportRequest
{
    /// <summary>Directories holding metrics.json; several are compared side by side.</summary>
    public required IReadOnlyList<string> RunDirectories { get; init; }

    /// <summary>Where the report goes; by default the run directory, so it is required for several runs.</summary>
    public string? OutDirectory { get; init; }

    /// <summary><see cref="OutDirectory"/>, or the first run directory when none is set.</summary>
    public string ResolvedOutDirectory => OutDirectory ?? RunDirectories[0];

    /// <summary>Checks that a directory is given, and an output directory when several are.</summary>
    public void Validate()
    {
        if (RunDirectories.Count == 0) throw new InvalidSettingException(nameof(RunDirectories), "no run directory given");
        if (OutDirectory is null && RunDirectories.Count > 1)
            throw new InvalidSettingException(nameof(OutDirectory), "required when several run directories are compared");
    }
}
