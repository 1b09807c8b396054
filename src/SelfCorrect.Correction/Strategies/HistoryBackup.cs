using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>History backup: earlier self-check dialogues prepended, instead of checking the current answer.</summary>
public sealed class HistoryBackup(IReadOnlyList<CheckedDialogue> dialogues) : ICorrectionStrategy
{
    public IReadOnlyList<CheckedDialogue> Dialogues { get; } = dialogues;

    public string Name => "backup";

    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) =>
        builder.Use(inner => MessageRewritingChatClient.AfterSystemPrompt(inner, [.. Dialogues.SelectMany(dialogue => new[]
        {
            new ChatMessage(ChatRole.User, dialogue.Request),
            new ChatMessage(ChatRole.Assistant, dialogue.Response),
            new ChatMessage(ChatRole.User, dialogue.Check),
            new ChatMessage(ChatRole.Assistant, dialogue.Critique),
        })]));

    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["dialogues"] = new JsonArray([.. Dialogues.Select(d => (JsonNode)new JsonObject
        {
            ["request"] = d.Request, ["response"] = d.Response, ["check"] = d.Check, ["critique"] = d.Critique,
        })]),
    };
}
