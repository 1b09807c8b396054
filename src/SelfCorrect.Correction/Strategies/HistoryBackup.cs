using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// History backup: earlier self-check dialogues prepended, instead of checking the current answer
/// (<see cref="DefenseChatClientBuilderExtensions.UseHistoryBackup"/>).
/// </summary>
/// <param name="dialogues">The dialogues, in order.</param>
public sealed class HistoryBackup(IReadOnlyList<CheckedDialogue> dialogues) : ICorrectionStrategy
{
    /// <summary>The dialogues, in order.</summary>
    public IReadOnlyList<CheckedDialogue> Dialogues { get; } = dialogues;

    /// <inheritdoc />
    public string Name => "backup";

    /// <inheritdoc />
    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.UseHistoryBackup(Dialogues);

    /// <inheritdoc />
    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["dialogues"] = new JsonArray([.. Dialogues.Select(d => (JsonNode)new JsonObject
        {
            ["request"] = d.Request, ["response"] = d.Response, ["check"] = d.Check, ["critique"] = d.Critique,
        })]),
    };
}
