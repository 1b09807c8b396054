namespace SelfCorrect.Evaluation.Runner;

/// <summary>One judge of a run in its metrics: what it is, where its rule comes from, and the strings it matches.</summary>
/// <param name="Name">The judge's name in the tables (<c>reference</c>, <c>llm-attacks</c>, <c>file:NAME</c>, <c>xstest-strmatch</c>, <c>llm</c>).</param>
/// <param name="Kind"><c>refusal-substrings</c>, <c>refusal-prefixes</c> or <c>llm</c>.</param>
/// <param name="Source">Where the rule comes from (paper and code); the model spec for an LLM judge.</param>
/// <param name="Strings">The refusal strings a list matches; null for an LLM judge.</param>
/// <param name="EndOfSequenceAsRefusal">For a refusal list holding <c>&lt;/s&gt;</c>: <c>auto</c>, <c>on</c> or <c>off</c> (see <c>EndOfSequenceRule</c>); null otherwise.</param>
public sealed record JudgeSummary(string Name, string Kind, string? Source, IReadOnlyList<string>? Strings, string? EndOfSequenceAsRefusal);
