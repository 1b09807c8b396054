using System.CommandLine;
using SelfCorrect.Correction;

namespace SelfCorrect.Cli.Commands;

/// <summary>
/// <c>--candidates</c>, <c>--scoring-prompt</c> and <c>--rank-order</c>: the options of the in-context ranking strategy
/// (<c>rank</c>), declared once for every command that can run it (<c>chat</c>, <c>eval bbq</c>, <c>eval jailbreak</c>, <c>eval overrefusal</c>).
/// </summary>
public sealed class RankingOptions
{
    private const string BestFirst = "best-first";

    public Option<int> Candidates { get; } = new("--candidates")
    {
        Description = "rank: answers sampled (at temperature 0.8, seeds --seed, --seed+1, ...), scored by the model and ranked in context.",
        DefaultValueFactory = _ => 3,
    };

    public Option<string?> ScoringPrompt { get; } = new("--scoring-prompt") { Description = "rank: scoring prompt instead of the protocol's (ask for a number first)." };

    public Option<string> Order { get; } = new("--rank-order")
    {
        Description = "rank: worst-first (the best candidate next to the final question) or best-first.",
        DefaultValueFactory = _ => "worst-first",
    };

    public RankingOptions() => Order.AcceptOnlyFromAmong("worst-first", BestFirst);

    /// <summary>Adds the options and declares the settings they set, so a library error names the option.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Candidates);
        command.Options.Add(ScoringPrompt);
        command.Options.Add(Order);
        command.MapSetting(nameof(StrategySettings.Candidates), Candidates)
            .MapSetting(nameof(StrategySettings.ScoringPrompt), ScoringPrompt);
    }

    public RankOrder ReadOrder(ParseResult parse) => parse.GetValue(Order) == BestFirst ? RankOrder.BestFirst : RankOrder.WorstFirst;
}
