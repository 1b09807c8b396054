using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

public static class CorrectionStrategyChatClientBuilderExtensions
{
    /// <summary>Adds a correction strategy's middleware to the pipeline.</summary>
    public static ChatClientBuilder UseStrategy(this ChatClientBuilder builder, ICorrectionStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy.ApplyTo(builder);
    }
}
