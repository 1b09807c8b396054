using System.Text;
using System.Text.Json;

namespace SelfCorrect.Evaluation.Data;

/// <summary>Reads JSON Lines files strictly: blank lines are skipped, anything else must be one JSON value.</summary>
internal static class JsonLines
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
