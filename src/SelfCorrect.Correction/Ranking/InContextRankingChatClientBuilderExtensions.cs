using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SelfCorrect.Correction;

/// <summary>Adds <see cref="InContextRankingChatClient"/> to a chat pipeline.</summary>
public static class InContextRankingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds in-context ranking to the pipeline, e.g. <c>builder.UseInContextRanking(configure: c => c.Options = new() { Candidates = 4 })</c>.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="loggerFactory">Where the log events go; when null, the <see cref="ILoggerFactory"/> of the pipeline's service provider, if one is registered.</param>
    /// <param name="configure">Sets the client's <see cref="InContextRankingChatClient.Options"/> and other properties.</param>
    /// <returns>The same builder.</returns>
    public static ChatClientBuilder UseInContextRanking(this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null,
        Action<InContextRankingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            var client = new InContextRankingChatClient(innerClient, loggerFactory ?? services.GetService(typeof(ILoggerFactory)) as ILoggerFactory);
            configure?.Invoke(client);
            return client;
        });
    }
}
