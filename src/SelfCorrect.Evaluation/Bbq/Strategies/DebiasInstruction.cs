using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// Ganguli et al. (2023, arXiv 2302.07459) instruction-following variant: the debiasing instruction follows the
/// question turn, and the answer starts with the BBQ prefill where the backend can continue an assistant message.
/// </summary>
internal sealed class DebiasInstruction(string instruction, string answerPrefill) : ICorrectionStrategy
{
    public string Instruction => instruction;
    public string AnswerPrefill => answerPrefill;

    public string Name => "instruction";

    public ChatClientBuilder ApplyTo(ChatClientBuilder builder) => builder
        .Use((messages, options, next, cancellationToken) => next(WithInstruction(messages), options, cancellationToken))
        .UsePrefill(AnswerPrefill);

    public JsonObject Describe() => new() { ["name"] = Name, ["answer_prefill"] = AnswerPrefill, ["instruction"] = Instruction };

    /// <summary>A copy of the messages whose last user message has the instruction appended.</summary>
    private List<ChatMessage> WithInstruction(IEnumerable<ChatMessage> messages)
    {
        List<ChatMessage> copy = [.. messages];
        int last = copy.FindLastIndex(message => message.Role == ChatRole.User);
        if (last < 0) throw new ArgumentException("the debiasing instruction needs a user message", nameof(messages));
        copy[last] = new ChatMessage(ChatRole.User, copy[last].Text + "\n\n" + Instruction);
        return copy;
    }
}
