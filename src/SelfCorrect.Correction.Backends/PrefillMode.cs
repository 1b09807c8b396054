namespace SelfCorrect.Correction;

/// <summary>Whether a backend offers <see cref="AssistantPrefillSupport"/> (continues a trailing assistant message).</summary>
public enum PrefillMode
{
    /// <summary>Where the backend is known to continue one: gguf, ollama, and openai with <see cref="OpenAIServer.Vllm"/> or <see cref="OpenAIServer.LlamaCpp"/>.</summary>
    Auto,
    /// <summary>Always; for an openai server of kind <see cref="OpenAIServer.Other"/> the user vouches that it continues a trailing assistant message.</summary>
    On,
    /// <summary>Never: requests end with the user's turn.</summary>
    Off,
}
