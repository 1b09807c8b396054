using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>In-context ranking (<see cref="InContextRankingChatClient"/>) with the given candidates, scoring prompt, order, re-ask turn and prefill.</summary>
public sealed class InContextRanking : ICorrectionStrategy
{
    /// <summary>The strategy with <paramref name="options"/>; invalid ones throw here, before any request (<see cref="InContextRankingOptions.Validate"/>).</summary>
    public InContextRanking(InContextRankingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings every request runs with.</summary>
    public InContextRankingOptions Options { get; }

    /// <inheritdoc />
    public string Name => InContextRankingChatClient.StrategyName;

    /// <inheritdoc />
    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.UseInContextRanking(configure: client => client.Options = Options);

    /// <summary>Candidates, their temperature, the order, prefill (when set), scoring prompt and re-ask turn.</summary>
    public JsonObject Describe()
    {
        var description = new JsonObject
        {
            ["name"] = Name,
            ["candidates"] = Options.Candidates,
            ["temperature"] = Options.Temperature,
            ["order"] = Options.Order.SnakeCaseName(),
        };
        if (Options.AssistantPrefill is not null) description["answer_prefill"] = Options.AssistantPrefill;
        description["scoring_prompt"] = Options.ScoringPrompt;
        Options.ReAsk.DescribeIn(description);
        return description;
    }
}
