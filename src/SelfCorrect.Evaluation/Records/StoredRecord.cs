namespace SelfCorrect.Evaluation.Records;

/// <summary>A record read back from a responses file, with its key and the line it came from.</summary>
public sealed record StoredRecord(ResponseRecord Record, string Key, string Path, int Line)
{
    public InvalidDataException Error(string message) => new($"{Path}:{Line}: {message}");
}
