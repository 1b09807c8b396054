namespace SelfCorrect.Correction;

/// <summary>
/// Which server answers an openai: backend. The protocol does not say, and servers differ in how they continue a
/// trailing assistant message, so the user tells.
/// </summary>
public enum OpenAIServer
{
    /// <summary>Unknown or other (OpenAI, LM Studio, ...): no prefill unless <see cref="PrefillMode.On"/>.</summary>
    Other,
    /// <summary>vLLM: a prefilled request carries <c>continue_final_message: true</c> and <c>add_generation_prompt: false</c>.</summary>
    Vllm,
    /// <summary>llama.cpp server: it continues a trailing assistant message as sent.</summary>
    LlamaCpp,
}
