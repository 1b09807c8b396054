using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Self-reminder baseline: the system prompt gains a reminder to be responsible (<see cref="DefenseChatClientBuilderExtensions.UseSelfReminder"/>).</summary>
/// <param name="suffix">Appended to the system prompt (leading space included).</param>
public sealed class SelfReminder(string suffix) : ICorrectionStrategy
{
    /// <summary>Appended to the system prompt (leading space included).</summary>
    public string Suffix { get; } = suffix;

    /// <inheritdoc />
    public string Name => "reminder";

    /// <inheritdoc />
    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.UseSelfReminder(Suffix);

    /// <inheritdoc />
    public JsonObject Describe() => new() { ["name"] = Name, ["system_prompt_suffix"] = Suffix };
}
