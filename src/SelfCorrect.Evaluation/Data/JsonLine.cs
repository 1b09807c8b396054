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
