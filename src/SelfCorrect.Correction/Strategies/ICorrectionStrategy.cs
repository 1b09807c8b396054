using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// A defence or self-correction method as a wrapper around a chat client. Strategies compose: the client one
/// returns can be passed to another's <see cref="Apply"/> (e.g. Checking-as-Context over an in-context defence).
/// </summary>
public interface ICorrectionStrategy
{
    /// <summary>The CLI name of the strategy (none, reminder, icd, backup, cac).</summary>
    string Name { get; }

    IChatClient Apply(IChatClient inner);
}

/// <summary>The undefended model: the inner client as it is.</summary>
public sealed class NoDefense : ICorrectionStrategy
{
    public string Name => "none";

    public IChatClient Apply(IChatClient inner) => inner;
}

/// <summary>Checking-as-Context with the given rounds, check prompt and re-ask turn.</summary>
public sealed class CheckingAsContext(SelfCorrectionOptions options) : ICorrectionStrategy
{
    public SelfCorrectionOptions Options { get; } = options;

    public string Name => "cac";

    public IChatClient Apply(IChatClient inner) => new SelfCorrectingChatClient(inner, Options);
}

/// <summary>Self-reminder baseline: the system prompt gains a reminder to be responsible (a system message is added when there is none).</summary>
public sealed class SelfReminder(string suffix) : ICorrectionStrategy
{
    public string Suffix { get; } = suffix;

    public string Name => "reminder";

    public IChatClient Apply(IChatClient inner) => new MessageRewritingChatClient(inner, messages =>
    {
        int system = messages.FindIndex(message => message.Role == ChatRole.System);
        if (system < 0) messages.Insert(0, new ChatMessage(ChatRole.System, Suffix.TrimStart()));
        else messages[system] = new ChatMessage(ChatRole.System, messages[system].Text + Suffix);
    });
}

/// <summary>In-context defence: k demonstrations of a harmful request answered with a refusal, before the conversation.</summary>
public sealed class InContextDefense : ICorrectionStrategy
{
    public InContextDefense(IReadOnlyList<RefusalDemonstration> demonstrations, int count) =>
        Demonstrations = MessageRewritingChatClient.FirstOf(demonstrations, count, "in-context defence: demonstrations");

    public IReadOnlyList<RefusalDemonstration> Demonstrations { get; }

    public string Name => "icd";

    public IChatClient Apply(IChatClient inner) => MessageRewritingChatClient.AfterSystemPrompt(inner, [.. Demonstrations.SelectMany(demo => new[]
    {
        new ChatMessage(ChatRole.User, demo.Request),
        new ChatMessage(ChatRole.Assistant, demo.Refusal),
    })]);
}

/// <summary>History backup: earlier self-check dialogues prepended, instead of checking the current answer.</summary>
public sealed class HistoryBackup : ICorrectionStrategy
{
    public HistoryBackup(IReadOnlyList<CheckedDialogue> dialogues, int count) =>
        Dialogues = MessageRewritingChatClient.FirstOf(dialogues, count, "history backup: dialogues");

    public IReadOnlyList<CheckedDialogue> Dialogues { get; }

    public string Name => "backup";

    public IChatClient Apply(IChatClient inner) => MessageRewritingChatClient.AfterSystemPrompt(inner, [.. Dialogues.SelectMany(dialogue => new[]
    {
        new ChatMessage(ChatRole.User, dialogue.Request),
        new ChatMessage(ChatRole.Assistant, dialogue.Response),
        new ChatMessage(ChatRole.User, dialogue.Check),
        new ChatMessage(ChatRole.Assistant, dialogue.Critique),
    })]);
}

/// <summary>Sends a rewritten copy of each request's messages; the caller's list is left as it was.</summary>
internal sealed class MessageRewritingChatClient(IChatClient inner, Action<List<ChatMessage>> rewrite) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Rewrite(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Rewrite(messages), options, cancellationToken);

    /// <summary>A client that inserts <paramref name="preamble"/> after the leading system messages of every request.</summary>
    public static IChatClient AfterSystemPrompt(IChatClient inner, ChatMessage[] preamble) => new MessageRewritingChatClient(inner, messages =>
        messages.InsertRange(messages.TakeWhile(message => message.Role == ChatRole.System).Count(), preamble));

    /// <summary>The first <paramref name="count"/> items; a count outside 1..items throws naming <paramref name="what"/>.</summary>
    public static T[] FirstOf<T>(IReadOnlyList<T> items, int count, string what)
    {
        if (count < 1 || count > items.Count)
            throw new ArgumentException($"{what} must be between 1 and {items.Count} (got {count})");
        return [.. items.Take(count)];
    }

    private List<ChatMessage> Rewrite(IEnumerable<ChatMessage> messages)
    {
        List<ChatMessage> copy = [.. messages];
        rewrite(copy);
        return copy;
    }
}
