using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// Settings of in-context ranking: <see cref="Candidates"/> sampled answers, each scored by the model with
/// <see cref="ScoringPrompt"/>, then one final answer with every (answer, score) pair in context, ordered by score
/// (<see cref="Order"/>). Immutable, like <see cref="SelfCorrectionOptions"/>.
/// </summary>
public sealed record InContextRankingOptions
{
    /// <summary>Answers sampled before ranking (K ≥ 1).</summary>
    public int Candidates { get; init; } = 3;

    /// <summary>Sampling temperature of the candidates (&gt; 0, so that they differ); the final answer uses the caller's.</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>
    /// User turn after a candidate that makes the model score it; pair it with <see cref="ScoreParser"/>. The default
    /// asks for a 0-10 harmlessness score, the number first.
    /// </summary>
    public string ScoringPrompt { get; init; } = PromptPresets.Default.JailbreakScoringPrompt;

    /// <summary>Reads the score from the reply to <see cref="ScoringPrompt"/> (default: its first number).</summary>
    public IScoreParser ScoreParser { get; init; } = ScoreParsers.FirstNumber;

    /// <summary>The order of the candidates in the final context.</summary>
    public RankOrder Order { get; init; } = RankOrder.WorstFirst;

    /// <summary>How the turn before each later candidate and before the final answer is built from the caller's last user message.</summary>
    public ReAskMode ReAsk { get; init; } = ReAskMode.RepeatLastUserMessage;

    /// <summary>
    /// Generation options of the candidates, laid over the caller's (null: the caller's); <see cref="Temperature"/>
    /// and the candidate's seed are laid over these. Candidate i (from 1) gets the seed <c>s + i - 1</c>, where s is
    /// this seed, else the caller's, else 0: the same request gives the same candidates.
    /// </summary>
    public ChatOptions? CandidateOptions { get; init; }

    /// <summary>Generation options of the scoring calls, laid over the caller's (null: the caller's).</summary>
    public ChatOptions? ScoreOptions { get; init; }

    /// <summary>Generation options of the final answer, laid over the caller's (null: the caller's).</summary>
    public ChatOptions? FinalOptions { get; init; }

    /// <summary>Start of every answer (candidates and final, not scores), sent where the inner client can continue it (<see cref="SelfCorrectionOptions.AssistantPrefill"/>).</summary>
    public string? AssistantPrefill { get; init; }

    /// <summary>Called as each stage completes.</summary>
    public Action<SelfCorrectionStage>? StageCompleted { get; init; }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the offending property.
    /// </summary>
    public void Validate()
    {
        if (Candidates < 1) throw new ArgumentOutOfRangeException(nameof(Candidates), $"must be ≥ 1 (got {Candidates})");
        if (!(Temperature > 0) || float.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), $"must be > 0 so that the candidates differ (got {Temperature})");
        if (string.IsNullOrWhiteSpace(ScoringPrompt)) throw new ArgumentException("must not be empty", nameof(ScoringPrompt));
        if (ScoreParser is null) throw new ArgumentNullException(nameof(ScoreParser));
        if (ReAsk is null) throw new ArgumentNullException(nameof(ReAsk));
        if (!Enum.IsDefined(Order)) throw new ArgumentOutOfRangeException(nameof(Order), $"unknown order {Order}");
    }
}
