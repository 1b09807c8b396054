using System.Text.Json;
using System.Text.Json.Serialization;
using SelfCorrect.Common;
using SelfCorrect.Correction;

namespace SelfCorrect.Cli;

/// <summary>
/// Prompt presets from a file (<c>--presets FILE</c>): the defaults with the file's values laid over them, keys in
/// snake_case. It lives with the program, not with <see cref="PromptPresets"/>, so that the correction library needs
/// no YAML reader.
/// </summary>
public static class PromptPresetsFile
{
    /// <summary>
    /// Reads a YAML or JSON file (by extension). An unknown key, a value of the wrong shape or an unreadable file throws
    /// <see cref="InvalidDataException"/> with one line <c>file:line: key: problem</c>; a missing file throws
    /// <see cref="FileNotFoundException"/>.
    /// </summary>
    public static PromptPresets Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"prompt preset file not found: {path}", path);
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
            ? LoadJson(path)
            : StrictYaml.Bind<PromptPresets>(StrictYaml.Read(path), StrictYaml.In(path));
    }

    /// <summary>JSON files, with the errors of <see cref="StrictYaml"/>'s format.</summary>
    private static PromptPresets LoadJson(string path)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        try
        {
            return JsonSerializer.Deserialize<PromptPresets>(File.ReadAllText(path), options) ?? PromptPresets.Default;
        }
        catch (JsonException e)
        {
            string key = e.Path is { } p ? p.TrimStart('$', '.') : "?";
            string problem = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "unknown key" : "bad value";
            throw new InvalidDataException($"{path}:{e.LineNumber + 1}: {key}: {problem}", e);
        }
    }
}
