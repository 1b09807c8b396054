namespace SelfCorrect.Alignment.Experiments.Sweeps;

/// <summary>What became of one training of a sweep in this session.</summary>
public enum SweepRunStatus
{
    /// <summary>Trained from the first step in this session.</summary>
    Trained,

    /// <summary>Continued from a checkpoint of an earlier session.</summary>
    Resumed,

    /// <summary>Already finished in an earlier session: not trained again.</summary>
    Skipped,

    /// <summary>Stopped by Ctrl-C; its checkpoint is saved and a rerun resumes it.</summary>
    Interrupted,

    /// <summary>The loss became NaN or infinite; left out of the summary.</summary>
    Diverged,

    /// <summary>Another process (another shard) held the run directory: left to it, not trained here.</summary>
    Busy,
}
