using SelfCorrect.Common;
using SelfCorrect.Correction;
using SelfCorrect.Evaluation.Protocols;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// The BBQ strategies by name, every answer in the BBQ format (docs/protocols.md §3): none (the question with the
/// answer prefill), cac (Checking-as-Context with the BBQ presets), Ganguli et al.'s instruction and cot, and rank
/// (in-context ranking with the BBQ presets, beyond the paper).
/// </summary>
public static class BbqStrategies
{
    private static readonly StrategyRegistry Registry = new StrategyRegistry("BBQ strategy")
        .Add("none", settings => new NoDefense(settings.Presets.BbqAnswerPrefill))
        .Add("cac", settings => settings.Rounds < 1
            ? throw new InvalidSettingException(nameof(StrategySettings.Rounds), $"cac needs at least 1 round (got {settings.Rounds})")
            : new CheckingAsContext(CorrectionStrategies.CacOptions(settings with { Protocol = CorrectionProtocol.Bbq })))
        .Add("instruction", settings => new DebiasInstruction(settings.Presets.BbqDebiasInstruction, settings.Presets.BbqAnswerPrefill))
        .Add("cot", settings => new ChainOfThought(settings.Presets.BbqChainOfThoughtPrefix, settings.Presets.BbqChainOfThoughtFollowUp,
            settings.Presets.BbqChainOfThoughtPrefill))
        .Add(InContextRankingChatClient.StrategyName, settings => new InContextRanking(CorrectionStrategies.RankingOptions(settings with { Protocol = CorrectionProtocol.Bbq })));

    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>
    /// Builds the named strategy; only cac has rounds (the others accept the default 1, or 0). Errors are
    /// <see cref="InvalidSettingException"/>s naming <c>Strategy</c>, <c>Rounds</c> or <c>Protocol</c>.
    /// </summary>
    /// <param name="protocol">The run's protocol, whose per-stage limits the strategy takes; null: plain.</param>
    public static ICorrectionStrategy Create(string name, StrategySettings settings, EvaluationProtocol? protocol = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (name != "cac" && settings.Rounds is not (0 or 1))
            throw new InvalidSettingException(nameof(StrategySettings.Rounds),
                $"only the cac strategy has rounds (got {settings.Rounds} with {{{StrategyRegistry.StrategySetting}}} {name})");
        var strategy = Registry.Create(name, settings);
        return protocol is null ? strategy : WithStageOptions(strategy, protocol);
    }

    /// <summary>
    /// The BBQ reference protocol's stages that differ from the graded answer: 256 new tokens for the CaC initial answer and
    /// critiques, and the chain-of-thought reasoning at 256 tokens and temperature 1 (BBQ/eval of the reference code).
    /// </summary>
    private static ICorrectionStrategy WithStageOptions(ICorrectionStrategy strategy, EvaluationProtocol protocol) => strategy switch
    {
        _ when protocol.Kind == ProtocolKind.Plain => strategy,
        CheckingAsContext cac => new CheckingAsContext(cac.Options with { InitialOptions = protocol.LongStageOptions, CritiqueOptions = protocol.LongStageOptions }),
        ChainOfThought cot => new ChainOfThought(cot.ReasoningPrefix, cot.FollowUp, cot.AnswerPrefill, protocol.ReasoningOptions),
        InContextRanking => throw new InvalidSettingException(EvaluationProtocol.Setting,
            $"the reference code has no {InContextRankingChatClient.StrategyName} strategy; run it with plain"),
        _ => strategy,
    };
}
