using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Settings of Checking-as-Context (arXiv 2405.18634): initial answer, then <see cref="Rounds"/> times a check prompt
/// (the model critiques its own answer) and a re-ask turn (the model answers again with the critique in context).
/// Immutable: a <see cref="SelfCorrectingChatClient"/> takes a whole new value (<c>options with { Rounds = 2 }</c>),
/// validated once, and each request reads one consistent set.
/// </summary>
public sealed record SelfCorrectionOptions
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
    /// ignored otherwise (the trace records whether it was applied). Critiques are never prefilled, which is why CaC
    /// sends the prefill itself instead of running over an <see cref="AssistantPrefillChatClient"/>.
    /// </summary>
    public string? AssistantPrefill { get; init; }

    /// <summary>Reads a critique's verdict; recorded in the trace, and used by <see cref="EarlyExit"/>.</summary>
    public IVerdictParser? VerdictParser { get; init; }

    /// <summary>Skip the re-ask (and later rounds) when a critique finds no problem. Off by default: the paper always re-asks.</summary>
    public bool EarlyExit { get; init; }

    /// <summary>Called as each stage completes (e.g. to show the initial answer and critiques while the final one is generated).</summary>
    public Action<SelfCorrectionStage>? StageCompleted { get; init; }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the offending
    /// property (another property in the message is written <c>{Name}</c>).
    /// </summary>
    public void Validate()
    {
        if (Rounds < 0) throw new ArgumentOutOfRangeException(nameof(Rounds), $"must be ≥ 0 (got {Rounds})");
        if (string.IsNullOrWhiteSpace(CheckPrompt)) throw new ArgumentException("must not be empty", nameof(CheckPrompt));
        if (ReAsk is null) throw new ArgumentNullException(nameof(ReAsk));
        if (EarlyExit && VerdictParser is null) throw new ArgumentException($"needs a {{{nameof(VerdictParser)}}}", nameof(EarlyExit));
    }
}
