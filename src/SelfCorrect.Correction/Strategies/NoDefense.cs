using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// The undefended model: requests reach it as they are. A protocol whose answers start with a fixed text (BBQ's
/// <c>The answer is</c>) gives that text as <paramref name="answerPrefill"/>; it is part of the question's format, not a defence.
/// </summary>
public sealed class NoDefense(string? answerPrefill = null) : ICorrectionStrategy
{
    /// <summary>Start of every answer where the backend can continue one (null: none).</summary>
    public string? AnswerPrefill { get; } = answerPrefill;

    /// <inheritdoc />
    public string Name => "none";

    /// <inheritdoc />
    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => AnswerPrefill is null ? builder : builder.UsePrefill(AnswerPrefill);

    /// <inheritdoc />
    public JsonObject Describe()
    {
        var description = new JsonObject { ["name"] = Name };
        if (AnswerPrefill is not null) description["answer_prefill"] = AnswerPrefill;
        return description;
    }
}
