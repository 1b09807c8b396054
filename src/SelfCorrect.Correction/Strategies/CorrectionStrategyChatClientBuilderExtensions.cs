using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

/// <summary>Adds a named <see cref="ICorrectionStrategy"/> to a chat pipeline.</summary>
public static class CorrectionStrategyChatClientBuilderExtensions
{
    /// <summary>Adds a correction strategy's middleware to the pipeline.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="strategy">The strategy, e.g. from <see cref="CorrectionStrategies.Create"/>.</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UseStrategy(this ChatClientBuilder builder, ICorrectionStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy.ApplyTo(builder);
    }
}
