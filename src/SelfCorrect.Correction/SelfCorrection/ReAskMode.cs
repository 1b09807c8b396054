namespace SelfCorrect.Correction;

/// <summary>How the re-ask turn of a CaC round is worded.</summary>
public sealed class ReAskMode
{
    private const string QuestionPlaceholder = "{question}";

    private ReAskMode(string? template) => Template = template;

    /// <summary>Send the caller's last user message again, unchanged (the paper's jailbreak protocol).</summary>
    public static ReAskMode RepeatLastUserMessage { get; } = new(null);

    /// <summary>
    /// A fixed text with the caller's last user message inserted at <c>{question}</c>, or appended when the template
    /// has no placeholder (e.g. the BBQ turn <c>Based on your review, answer the question again:\n</c> + question).
    /// </summary>
    public static ReAskMode FromTemplate(string template)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        return new ReAskMode(template);
    }

    /// <summary>The template, or null when the last user message is repeated as is.</summary>
    public string? Template { get; }

    /// <summary>The re-ask turn for the caller's last user message.</summary>
    public string Render(string lastUserMessage) => Template switch
    {
        null => lastUserMessage,
        var t when t.Contains(QuestionPlaceholder, StringComparison.Ordinal) => t.Replace(QuestionPlaceholder, lastUserMessage, StringComparison.Ordinal),
        var t => t + lastUserMessage,
    };

    /// <summary>The mode in words.</summary>
    public override string ToString() => Template is null ? "repeat the last user message" : $"template \"{Template}\"";

    /// <summary>Adds the mode to a strategy's description: <c>re_ask_template</c>, or <c>re_ask</c> in words when the question is repeated.</summary>
    internal void DescribeIn(System.Text.Json.Nodes.JsonObject description)
    {
        if (Template is { } template) description["re_ask_template"] = template;
        else description["re_ask"] = ToString();
    }
}
