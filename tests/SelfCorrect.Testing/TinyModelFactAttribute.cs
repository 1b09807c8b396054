using Xunit;

namespace SelfCorrect.Testing;

/// <summary>A fact that is skipped, saying why, when the tiny GGUF model is absent.</summary>
public sealed class TinyModelFactAttribute : FactAttribute
{
    public TinyModelFactAttribute()
    {
        if (!TestModels.TinyGgufPresent) Skip = $"tiny GGUF model not found at {TestModels.TinyGgufPath}";
    }
}
