namespace SelfCorrect.Evaluation.Storage;

/// <summary>How often a <see cref="RecordStore{T}"/> syncs its file to the device: after this many lines or this long, whichever comes first.</summary>
internal sealed record RecordSync(int EveryRecords, TimeSpan Every);
