using System.Diagnostics;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Bbq;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// Turns a strategy's response into the record of its sample, stage by stage, with each stage's finish reason where
/// the model reported one: every call of a single-call strategy, of a chain-of-thought answer and, from its trace, of
/// every stage of a Checking-as-Context or ranking run.
/// </summary>
internal static class ResponseRecorder
{
    /// <summary>Sends one user turn (after the system prompt, if any) through the strategy's client and records the answer.</summary>
    /// <param name="key">A record carrying only the sample key fields.</param>
    /// <param name="client">The backend with the strategy applied.</param>
    /// <param name="systemPrompt">System prompt; null: none.</param>
    /// <param name="userTurn">The sample's question.</param>
    /// <param name="options">Generation options (cloned per call); null: the backend's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<ResponseRecord> AskAsync(IChatClient client, ResponseRecord key, string? systemPrompt, string userTurn,
        ChatOptions? options, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = [];
        if (systemPrompt is not null) messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
        messages.Add(new ChatMessage(ChatRole.User, userTurn));
        var clock = Stopwatch.StartNew();
        var response = await client.GetResponseAsync(messages, options?.Clone(), cancellationToken);
        return FromResponse(key, response, clock.Elapsed);
    }

    /// <param name="key">A record carrying only the sample key fields.</param>
    /// <param name="latency">Wall time of the whole call, used when the response carries no per-stage trace.</param>
    /// <param name="response">The strategy's response, with its trace when it has one.</param>
    public static ResponseRecord FromResponse(ResponseRecord key, ChatResponse response, TimeSpan latency)
    {
        if (response.GetSelfCorrectionTrace() is { } trace)
        {
            return ResponseRecord.Create(key, trace.Initial.Text, reasoning: null,
                trace.Critiques.Select(s => s.Text).ToList(), trace.Finals.Select(s => s.Text).ToList(),
                trace.Stages.Select(s => Usage(s.Kind.ToString().ToLowerInvariant(), s.Round, s.Usage, s.Latency, s.FinishReason)).ToList());
        }
        if (response.GetChainOfThoughtTrace() is { } chain)
        {
            return ResponseRecord.Create(key, chain.Answer.Text, chain.Reasoning.Text, [], [],
            [
                Usage("reasoning", 0, chain.Reasoning.Usage, chain.Reasoning.Latency, chain.Reasoning.FinishReason),
                Usage(AnswerStage.Initial, 0, chain.Answer.Usage, chain.Answer.Latency, chain.Answer.FinishReason),
            ]);
        }
        return ResponseRecord.Create(key, response.Text, null, [], [], [Usage(AnswerStage.Initial, 0, response.Usage, latency, response.FinishReason)]);
    }

    private static StageUsage Usage(string stage, int round, UsageDetails? usage, TimeSpan latency, ChatFinishReason? finishReason) => new()
    {
        Stage = stage,
        Round = round,
        InputTokens = usage?.InputTokenCount,
        OutputTokens = usage?.OutputTokenCount,
        LatencyMs = Math.Round(latency.TotalMilliseconds, 3),
        FinishReason = finishReason?.Value,
    };
}
