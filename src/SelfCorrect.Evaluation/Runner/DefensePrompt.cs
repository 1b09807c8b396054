using SelfCorrect.Evaluation.Storage;

namespace SelfCorrect.Evaluation.Runner;

/// <summary>One prompt a defence run sends: its sample key, the record fields that carry that key, and the text.</summary>
internal sealed record DefensePrompt(string Key, ResponseRecord KeyFields, string Prompt);
