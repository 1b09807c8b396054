using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using SelfCorrect.Correction;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>The model under evaluation as a run records it (settings.json) and names it (default run directories).</summary>
public static partial class EvaluatedModel
{
    /// <summary>Everything that shapes the model's answers, never the API key itself.</summary>
    public static JsonObject Describe(ModelSpec spec, BackendOptions backend, ChatOptions? chat) => new()
    {
        ["spec"] = spec.ToString(),
        ["endpoint"] = backend.Endpoint?.ToString(),
        ["prefill"] = backend.Prefill.ToString().ToLowerInvariant(),
        ["server"] = spec.Kind == BackendKind.OpenAI ? backend.Server.ToString().ToLowerInvariant() : null,
        ["chat_template"] = backend.ChatTemplate,
        ["context_size"] = backend.ContextSize,
        ["temperature"] = chat?.Temperature,
        ["top_p"] = chat?.TopP,
        ["max_tokens"] = chat?.MaxOutputTokens,
        ["seed"] = chat?.Seed,
    };

    /// <summary>A short directory-safe name of the model: the file name of a GGUF path, else the model name.</summary>
    public static string Slug(ModelSpec spec)
    {
        string name = spec.Kind == BackendKind.Gguf ? Path.GetFileNameWithoutExtension(spec.Target) : spec.Target;
        return UnsafeForPath().Replace(name, "-");
    }

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeForPath();
}
