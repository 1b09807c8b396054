using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Self-reminder baseline: the system prompt gains a reminder to be responsible (a system message is added when there is none).</summary>
public sealed class SelfReminder(string suffix) : ICorrectionStrategy
{
    /// <summary>Appended to the system prompt (leading space included).</summary>
    public string Suffix { get; } = suffix;

    public string Name => "reminder";

    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.Use(inner => new MessageRewritingChatClient(inner, messages =>
    {
        int system = messages.FindIndex(message => message.Role == ChatRole.System);
        if (system < 0) messages.Insert(0, new ChatMessage(ChatRole.System, Suffix.TrimStart()));
        else messages[system] = new ChatMessage(ChatRole.System, messages[system].Text + Suffix);
    }));

    public JsonObject Describe() => new() { ["name"] = Name, ["system_prompt_suffix"] = Suffix };
}
