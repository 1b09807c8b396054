using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>The responses of one defence (one responses file).</summary>
public sealed record DefenseResponses(string Defense, IReadOnlyList<StoredLine<ResponseRecord>> Records);
