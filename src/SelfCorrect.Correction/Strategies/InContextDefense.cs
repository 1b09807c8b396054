using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>In-context defence: demonstrations of a harmful request answered with a refusal, before the conversation.</summary>
public sealed class InContextDefense(IReadOnlyList<RefusalDemonstration> demonstrations) : ICorrectionStrategy
{
    public IReadOnlyList<RefusalDemonstration> Demonstrations { get; } = demonstrations;

    public string Name => "icd";

    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) =>
        builder.Use(inner => MessageRewritingChatClient.AfterSystemPrompt(inner, [.. Demonstrations.SelectMany(demo => new[]
        {
            new ChatMessage(ChatRole.User, demo.Request),
            new ChatMessage(ChatRole.Assistant, demo.Refusal),
        })]));

    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["demonstrations"] = new JsonArray([.. Demonstrations.Select(d => (JsonNode)new JsonObject { ["request"] = d.Request, ["refusal"] = d.Refusal })]),
    };
}
