using Microsoft.Extensions.AI;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>One model call of a chain-of-thought answer.</summary>
internal sealed record ModelCall(string Text, UsageDetails? Usage, TimeSpan Latency, ChatFinishReason? FinishReason);

/// <summary>What a chain-of-thought answer did: the reasoning call, then the answer call.</summary>
internal sealed record ChainOfThoughtTrace(ModelCall Reasoning, ModelCall Answer, bool PrefillApplied)
{
    internal const string PropertyKey = "selfcorrect.chain_of_thought";
}

internal static class ChainOfThoughtTraceExtensions
{
    /// <summary>The trace of the <see cref="ChainOfThought"/> answer that produced this response; null for any other response.</summary>
    public static ChainOfThoughtTrace? GetChainOfThoughtTrace(this ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(ChainOfThoughtTrace.PropertyKey, out object? value) == true ? value as ChainOfThoughtTrace : null;
}
