using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// The baseline defences that rewrite each request before it reaches the model: self-reminder, in-context defence and
/// history backup (docs/protocols.md). Each request's messages are copied; the caller's list is left as it was.
/// </summary>
public static class DefenseChatClientBuilderExtensions
{
    /// <summary>
    /// Self-reminder: the system prompt gains <paramref name="suffix"/> (a system message with it is added when there
    /// is none).
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="suffix">Appended to the system prompt, leading space included (default: <see cref="PromptPresets.SelfReminderSuffix"/>).</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UseSelfReminder(this ChatClientBuilder builder, string? suffix = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string reminder = suffix ?? PromptPresets.Default.SelfReminderSuffix;
        return builder.Use(inner => new MessageRewritingChatClient(inner, messages =>
        {
            int system = messages.FindIndex(message => message.Role == ChatRole.System);
            if (system < 0) messages.Insert(0, new ChatMessage(ChatRole.System, reminder.TrimStart()));
            else messages[system] = new ChatMessage(ChatRole.System, messages[system].Text + reminder);
        }));
    }

    /// <summary>In-context defence: harmful requests answered with refusals, inserted after the leading system messages.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="demonstrations">The demonstrations (default: the first of <see cref="PromptPresets.RefusalDemonstrations"/>).</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UseInContextDefense(this ChatClientBuilder builder, IEnumerable<RefusalDemonstration>? demonstrations = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => MessageRewritingChatClient.AfterSystemPrompt(inner,
            [.. (demonstrations ?? PromptPresets.Default.RefusalDemonstrations.Take(1)).SelectMany(demo => new[]
            {
                new ChatMessage(ChatRole.User, demo.Request),
                new ChatMessage(ChatRole.Assistant, demo.Refusal),
            })]));
    }

    /// <summary>History backup: earlier self-check dialogues (request, response, check, critique), inserted after the leading system messages.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="dialogues">The dialogues (default: the first of <see cref="PromptPresets.HistoryBackupDialogues"/>).</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UseHistoryBackup(this ChatClientBuilder builder, IEnumerable<CheckedDialogue>? dialogues = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => MessageRewritingChatClient.AfterSystemPrompt(inner,
            [.. (dialogues ?? PromptPresets.Default.HistoryBackupDialogues.Take(1)).SelectMany(dialogue => new[]
            {
                new ChatMessage(ChatRole.User, dialogue.Request),
                new ChatMessage(ChatRole.Assistant, dialogue.Response),
                new ChatMessage(ChatRole.User, dialogue.Check),
                new ChatMessage(ChatRole.Assistant, dialogue.Critique),
            })]));
    }
}
