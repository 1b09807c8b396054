using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// In-context defence: demonstrations of a harmful request answered with a refusal, before the conversation
/// (<see cref="DefenseChatClientBuilderExtensions.UseInContextDefense"/>).
/// </summary>
/// <param name="demonstrations">The demonstrations, in order.</param>
public sealed class InContextDefense(IReadOnlyList<RefusalDemonstration> demonstrations) : ICorrectionStrategy
{
    /// <summary>The demonstrations, in order.</summary>
    public IReadOnlyList<RefusalDemonstration> Demonstrations { get; } = demonstrations;

    /// <inheritdoc />
    public string Name => "icd";

    /// <inheritdoc />
    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.UseInContextDefense(Demonstrations);

    /// <inheritdoc />
    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["demonstrations"] = new JsonArray([.. Demonstrations.Select(d => (JsonNode)new JsonObject { ["request"] = d.Request, ["refusal"] = d.Refusal })]),
    };
}
