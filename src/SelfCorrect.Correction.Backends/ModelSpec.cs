namespace SelfCorrect.Correction;

/// <summary>Where a model comes from.</summary>
public enum BackendKind
{
    /// <summary>A GGUF file run in-process by LLamaSharp (llama.cpp).</summary>
    Gguf,
    /// <summary>An OpenAI-compatible chat-completions server (vLLM, llama.cpp server, LM Studio, OpenAI, ...).</summary>
    OpenAI,
    /// <summary>An Ollama server.</summary>
    Ollama,
}

/// <summary>The model-spec syntax every command takes: <c>gguf:PATH</c>, <c>openai:MODEL</c>, <c>ollama:MODEL</c>.</summary>
/// <param name="Kind">Where the model comes from.</param>
/// <param name="Target">The file (gguf) or the model's name on the server.</param>
public sealed record ModelSpec(BackendKind Kind, string Target)
{
    private static readonly (string Prefix, BackendKind Kind)[] Prefixes =
        [("gguf:", BackendKind.Gguf), ("openai:", BackendKind.OpenAI), ("ollama:", BackendKind.Ollama)];

    /// <summary>
    /// Parses a spec; anything else throws an <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/>
    /// is <c>ModelSpec</c>.
    /// </summary>
    public static ModelSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var (prefix, kind) in Prefixes)
        {
            if (!spec.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            string target = spec[prefix.Length..].Trim();
            if (target.Length == 0) throw new ArgumentException($"'{spec}' names no {(kind == BackendKind.Gguf ? "file" : "model")} after '{prefix}'", nameof(ModelSpec));
            return new ModelSpec(kind, target);
        }
        throw new ArgumentException($"'{spec}' is not a model spec (expected gguf:PATH, openai:MODEL or ollama:MODEL)", nameof(ModelSpec));
    }

    /// <summary>The spec as written: <c>kind:target</c>.</summary>
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Target}";
}
