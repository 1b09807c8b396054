using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Checking-as-Context (<see cref="SelfCorrectingChatClient"/>) with the given rounds, check prompt, re-ask turn and prefill.</summary>
public sealed class CheckingAsContext : ICorrectionStrategy
{
    /// <summary>The strategy with <paramref name="options"/>; invalid ones throw here, before any request (<see cref="SelfCorrectionOptions.Validate"/>).</summary>
    public CheckingAsContext(SelfCorrectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings every request runs with.</summary>
    public SelfCorrectionOptions Options { get; }

    /// <inheritdoc />
    public string Name => SelfCorrectingChatClient.StrategyName;

    /// <inheritdoc />
    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.UseSelfCorrection(configure: client => client.Options = Options);

    /// <summary>Rounds, prefill (when set), check prompt, and the re-ask turn: its template, or in words when the question is repeated.</summary>
    public JsonObject Describe()
    {
        var description = new JsonObject { ["name"] = Name, ["rounds"] = Options.Rounds };
        if (Options.AssistantPrefill is not null) description["answer_prefill"] = Options.AssistantPrefill;
        description["check_prompt"] = Options.CheckPrompt;
        Options.ReAsk.DescribeIn(description);
        return description;
    }
}
