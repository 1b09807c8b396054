namespace SelfCorrect.Evaluation.Runner;

/// <summary>One judge of a run in its metrics: what it is, where its rule comes from, and the strings it matches.</summary>
/// <param name="Kind"><c>refusal-substrings</c>, <c>refusal-prefixes</c> or <c>llm</c>.</param>
/// <param name="EndOfSequenceAsRefusal">For a refusal list holding <c>&lt;/s&gt;</c>: <c>auto</c>, <c>on</c> or <c>off</c> (see <c>EndOfSequenceRule</c>); null otherwise.</param>
public sealed record JudgeSummary(string Name, string Kind, string? Source, IReadOnlyList<string>? Strings, string? EndOfSequenceAsRefusal);
