using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Settings of Checking-as-Context (arXiv 2405.18634): initial answer, then <see cref="Rounds"/> times a check prompt
/// (the model critiques its own answer) and a re-ask turn (the model answers again with the critique in context).
/// </summary>
public sealed class SelfCorrectionOptions
{
    /// <summary>Check + re-ask repetitions (0 = initial answer only). The paper uses 1 to 3.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>User turn appended after an answer to make the model critique it.</summary>
    public string CheckPrompt { get; init; } = PromptPresets.Default.JailbreakCheckPrompt;

    /// <summary>How the re-ask turn is built from the caller's last user message.</summary>
    public ReAskMode ReAsk { get; init; } = ReAskMode.RepeatLastUserMessage;

    /// <summary>Generation options of the initial answer, laid over the caller's options (null: the caller's).</summary>
    public ChatOptions? InitialOptions { get; init; }

    /// <summary>Generation options of each critique, laid over the caller's options (null: the caller's).</summary>
    public ChatOptions? CritiqueOptions { get; init; }

    /// <summary>Generation options of each re-asked answer, laid over the caller's options (null: the caller's).</summary>
    public ChatOptions? FinalOptions { get; init; }

    /// <summary>
    /// Start of every answer (initial and re-asked, not critiques), e.g. <c>The answer is</c>: sent as an assistant
    /// message for the model to continue, where the inner client can continue one (<see cref="AssistantPrefillSupport"/>);
    /// ignored otherwise (the trace records whether it was applied).
    /// </summary>
    public string? AssistantPrefill { get; init; }

    /// <summary>Reads a critique's verdict; recorded in the trace, and used by <see cref="EarlyExit"/>.</summary>
    public IVerdictParser? VerdictParser { get; init; }

    /// <summary>Skip the re-ask (and later rounds) when a critique finds no problem. Off by default: the paper always re-asks.</summary>
    public bool EarlyExit { get; init; }

    /// <summary>Called as each stage completes (e.g. to show the initial answer and critiques while the final one is generated).</summary>
    public Action<SelfCorrectionStage>? StageCompleted { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending setting.</summary>
    public void Validate()
    {
        if (Rounds < 0) throw new ArgumentException($"--rounds must be ≥ 0 (got {Rounds})");
        if (string.IsNullOrWhiteSpace(CheckPrompt)) throw new ArgumentException("the check prompt is empty");
        if (EarlyExit && VerdictParser is null)
            throw new ArgumentException("early exit needs a verdict parser");
        ArgumentNullException.ThrowIfNull(ReAsk, nameof(ReAsk));
    }
}

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

    public string Render(string lastUserMessage) => Template switch
    {
        null => lastUserMessage,
        var t when t.Contains(QuestionPlaceholder, StringComparison.Ordinal) => t.Replace(QuestionPlaceholder, lastUserMessage, StringComparison.Ordinal),
        var t => t + lastUserMessage,
    };

    public override string ToString() => Template is null ? "repeat the last user message" : $"template \"{Template}\"";
}

/// <summary>What a critique says about the answer it checked.</summary>
public enum CritiqueVerdict
{
    /// <summary>The parser could not tell.</summary>
    Unknown,
    /// <summary>The critique finds the answer fine (harmless, unbiased, ...).</summary>
    NoProblem,
    /// <summary>The critique finds a problem (harmful, biased, ...).</summary>
    Problem,
}

/// <summary>Reads a critique's verdict from its text.</summary>
public interface IVerdictParser
{
    CritiqueVerdict Parse(string critique);
}

/// <summary>Verdict parsers built from a function or from keyword lists.</summary>
public static class VerdictParsers
{
    public static IVerdictParser FromFunc(Func<string, CritiqueVerdict> parse) => new FuncVerdictParser(parse);

    /// <summary>
    /// The first of the given phrases found in the lower-cased critique decides (the earliest position wins, so
    /// "harmless" after "not harmful" does not flip it); none found: <see cref="CritiqueVerdict.Unknown"/>.
    /// </summary>
    public static IVerdictParser Keywords(IEnumerable<string> problemPhrases, IEnumerable<string> noProblemPhrases) =>
        new KeywordVerdictParser([.. problemPhrases], [.. noProblemPhrases]);

    private sealed class FuncVerdictParser(Func<string, CritiqueVerdict> parse) : IVerdictParser
    {
        public CritiqueVerdict Parse(string critique) => parse(critique);
    }

    private sealed class KeywordVerdictParser(string[] problemPhrases, string[] noProblemPhrases) : IVerdictParser
    {
        public CritiqueVerdict Parse(string critique)
        {
            string text = critique.ToLowerInvariant();
            int problem = FirstIndex(text, problemPhrases), fine = FirstIndex(text, noProblemPhrases);
            if (problem < 0 && fine < 0) return CritiqueVerdict.Unknown;
            if (fine < 0 || (problem >= 0 && problem < fine)) return CritiqueVerdict.Problem;
            return CritiqueVerdict.NoProblem;
        }

        private static int FirstIndex(string text, string[] phrases)
        {
            int first = -1;
            foreach (string phrase in phrases)
            {
                int at = text.IndexOf(phrase.ToLowerInvariant(), StringComparison.Ordinal);
                if (at >= 0 && (first < 0 || at < first)) first = at;
            }
            return first;
        }
    }
}

/// <summary>
/// Service an inner client returns from <see cref="IChatClient.GetService"/> when it continues a trailing assistant
/// message instead of starting a new one (the in-process GGUF backend does); the middleware then sends the prefill.
/// </summary>
public sealed class AssistantPrefillSupport
{
    public static AssistantPrefillSupport Instance { get; } = new();

    private AssistantPrefillSupport() { }
}
