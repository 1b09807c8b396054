using System.Text;
using System.Text.Json;

namespace SelfCorrect.Evaluation.Data;

/// <summary>One parsed line of a JSON Lines file, with what is needed to name it in an error.</summary>
public readonly record struct JsonLine(string Path, int Number, JsonElement Root)
{
    public InvalidDataException Error(string message) => new($"{Path}:{Number}: {message}");

    public JsonElement Required(string name)
    {
        if (Root.ValueKind != JsonValueKind.Object) throw Error("expected a JSON object");
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw Error($"missing field '{name}'");
        return value;
    }

    public string RequiredString(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error($"field '{name}' must be a string");
    }

    public int RequiredInt(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : throw Error($"field '{name}' must be an integer");
    }
}

/// <summary>Reads JSON Lines files strictly: blank lines are skipped, anything else must be one JSON value.</summary>
public static class JsonLines
{
    public static IEnumerable<JsonLine> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        int number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return new JsonLine(path, number, Parse(path, number, text));
        }
    }

    public static JsonElement Parse(string path, int number, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{number}: malformed JSON ({FirstLine(e.Message)})");
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
