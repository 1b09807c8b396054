using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Checking-as-Context (<see cref="SelfCorrectingChatClient"/>) with the given rounds, check prompt, re-ask turn and prefill.</summary>
public sealed class CheckingAsContext : ICorrectionStrategy
{
    /// <summary>Invalid options throw <see cref="SelfCorrect.Common.InvalidSettingException"/> here, before any request.</summary>
    public CheckingAsContext(SelfCorrectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public SelfCorrectionOptions Options { get; }

    public string Name => "cac";

    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder.UseSelfCorrection(Options);

    /// <summary>Rounds, prefill (when set), check prompt, and the re-ask turn: its template, or in words when the question is repeated.</summary>
    public JsonObject Describe()
    {
        var description = new JsonObject { ["name"] = Name, ["rounds"] = Options.Rounds };
        if (Options.AssistantPrefill is not null) description["answer_prefill"] = Options.AssistantPrefill;
        description["check_prompt"] = Options.CheckPrompt;
        if (Options.ReAsk.Template is { } template) description["re_ask_template"] = template;
        else description["re_ask"] = Options.ReAsk.ToString();
        return description;
    }
}
