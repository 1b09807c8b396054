using System.Text.Json;

namespace SelfCorrect.Evaluation.Data;

/// <summary>One parsed line of a JSON Lines file, with what is needed to name it in an error.</summary>
public readonly record struct JsonLine(string Path, int Number, JsonElement Root)
{
    /// <summary>An error naming the file and line: <c>PATH:LINE: message</c>.</summary>
    public InvalidDataException Error(string message) => new($"{Path}:{Number}: {message}");

    /// <summary>The field <paramref name="name"/> of the line's object; absent or null is an error naming the line.</summary>
    public JsonElement Required(string name)
    {
        if (Root.ValueKind != JsonValueKind.Object) throw Error("expected a JSON object");
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw Error($"missing field '{name}'");
        return value;
    }

    /// <summary>The string field <paramref name="name"/>; absent, null or another kind is an error naming the line.</summary>
    public string RequiredString(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error($"field '{name}' must be a string");
    }

    /// <summary>The 32-bit integer field <paramref name="name"/>; absent, null or another kind is an error naming the line.</summary>
    public int RequiredInt(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : throw Error($"field '{name}' must be an integer");
    }
}
