using System.Text.Json;
using System.Text.Json.Nodes;
using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>
/// The rule that decides whether a run directory may be resumed: the settings.json it holds must equal the settings
/// of the new attempt, except for the <see cref="RuntimeSection"/> (such as concurrency) and the
/// <see cref="ScoringSection"/> (such as the grading mode), which may change.
/// </summary>
internal static class RunSettings
{
    /// <summary>How hard the run drives the model: may differ between attempts of one run.</summary>
    public const string RuntimeSection = "runtime";

    /// <summary>How the responses are scored: may differ between attempts, since every attempt rescores all of them.</summary>
    public const string ScoringSection = "scoring";

    /// <summary>Throws, naming the first difference, unless <paramref name="settingsPath"/> holds the same settings.</summary>
    public static void CheckSameRun(string settingsPath, JsonObject settings, string setting, string replaceSetting)
    {
        JsonNode? saved;
        try
        {
            saved = JsonNode.Parse(File.ReadAllText(settingsPath));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{settingsPath}:{(e.LineNumber ?? 0) + 1}: unreadable settings ({EvaluationDirectory.OneLine(e.Message)})");
        }
        if (saved is not JsonObject savedObject) throw new InvalidDataException($"{settingsPath}:1: settings must be a JSON object");
        string? difference = FirstDifference(WithoutChangeable(savedObject), WithoutChangeable(settings), "");
        if (difference is not null)
            throw new InvalidSettingException(setting, $"'{Path.GetDirectoryName(settingsPath)}' holds a run with other settings ({difference}); "
                + $"rerun with the same settings to resume it, choose another {{{setting}}}, or set {{{replaceSetting}}} to replace it");
    }

    private static JsonObject WithoutChangeable(JsonObject settings)
    {
        var copy = (JsonObject)settings.DeepClone();
        copy.Remove(RuntimeSection);
        copy.Remove(ScoringSection);
        return copy;
    }

    /// <summary>The first setting that differs, as <c>path: saved vs given</c>; null when equal.</summary>
    private static string? FirstDifference(JsonNode? saved, JsonNode? given, string path)
    {
        if (saved is JsonObject a && given is JsonObject b)
        {
            foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                if (FirstDifference(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}") is { } found) return found;
            return null;
        }
        if (saved is JsonArray x && given is JsonArray y && x.Count == y.Count)
        {
            for (int i = 0; i < x.Count; i++)
                if (FirstDifference(x[i], y[i], $"{path}[{i}]") is { } found) return found;
            return null;
        }
        return JsonNode.DeepEquals(saved, given) ? null : $"{path}: {Short(saved)} in the directory vs {Short(given)} now";
    }

    private static string Short(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "absent";
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
