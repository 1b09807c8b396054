using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>
/// A defence or self-correction method: named chat middleware that adds itself to a pipeline
/// (<see cref="CorrectionStrategyChatClientBuilderExtensions.UseStrategy"/>) and describes itself. Strategies compose
/// like any middleware; the first one added is the outermost (Checking-as-Context added before an in-context defence
/// checks every stage with the demonstrations in context).
/// </summary>
public interface ICorrectionStrategy
{
    /// <summary>The name the strategy is created by in its registry (none, reminder, icd, backup, cac, ...).</summary>
    string Name { get; }

    /// <summary>Adds the strategy's middleware to <paramref name="builder"/> (nothing, for the undefended model).</summary>
    ChatClientBuilder ApplyTo(ChatClientBuilder builder);

    /// <summary>The name and every prompt and setting the strategy adds, as a run records it in its settings.</summary>
    JsonObject Describe();
}
