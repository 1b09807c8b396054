using Microsoft.Extensions.AI;

namespace SelfCorrect.Correction;

public static class SelfCorrectionChatClientBuilderExtensions
{
    /// <summary>Adds Checking-as-Context self-correction to the pipeline.</summary>
    public static ChatClientBuilder UseSelfCorrection(this ChatClientBuilder builder, SelfCorrectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new SelfCorrectingChatClient(inner, options ?? new SelfCorrectionOptions()));
    }
}
