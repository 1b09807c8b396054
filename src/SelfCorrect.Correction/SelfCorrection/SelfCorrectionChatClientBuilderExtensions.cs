using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Correction;

/// <summary>Adds <see cref="SelfCorrectingChatClient"/> (Checking-as-Context) to a chat pipeline.</summary>
public static class SelfCorrectionChatClientBuilderExtensions
{
    /// <summary>
    /// Adds Checking-as-Context self-correction to the pipeline, e.g.
    /// <c>builder.UseSelfCorrection(configure: c => c.Options = new() { Rounds = 2 })</c>.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="loggerFactory">Where the log events go; when null, the <see cref="ILoggerFactory"/> of the pipeline's service provider, if one is registered.</param>
    /// <param name="configure">Sets the client's <see cref="SelfCorrectingChatClient.Options"/> and other properties.</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UseSelfCorrection(this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null,
        Action<SelfCorrectingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            var client = new SelfCorrectingChatClient(innerClient, loggerFactory ?? services.GetService(typeof(ILoggerFactory)) as ILoggerFactory);
            configure?.Invoke(client);
            return client;
        });
    }
}
