using System.Text;
using System.Text.Json;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>A value read back from a keyed JSON Lines file, with its key and the line it came from.</summary>
public sealed record StoredLine<T>(T Value, string Key, string Path, int Line)
{
    /// <summary>An error naming the file and line of the value: <c>PATH:LINE: message</c>.</summary>
    public InvalidDataException Error(string message) => new($"{Path}:{Line}: {message}");
}

/// <summary>Parses one line into a value and its sample key, throwing <see cref="InvalidDataException"/> naming the line.</summary>
public delegate (T Value, string Key) KeyedLineParser<T>(JsonLine line);

/// <summary>
/// Reads a keyed JSON Lines file strictly: every complete line must parse into a value with a unique key. Only the
/// last line may be torn (no final newline and not valid JSON): a process killed mid-write leaves exactly that, so it
/// is reported separately rather than as corruption.
/// </summary>
internal static class JsonLinesFile
{
    public sealed record Contents<T>(IReadOnlyList<StoredLine<T>> Lines, string? TornTail, long CompleteLength, bool EndsWithNewline);

    public static Contents<T> Read<T>(string path, KeyedLineParser<T> parse)
    {
        // Offsets are taken in bytes ('\n' is one byte in UTF-8), so cutting a torn tail never depends on decoding.
        byte[] bytes = File.ReadAllBytes(path);
        int lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
        string text = Decode(bytes.AsSpan(0, lastNewline + 1));
        string tail = Decode(bytes.AsSpan(lastNewline + 1));
        var lines = new List<StoredLine<T>>();
        var firstLine = new Dictionary<string, int>();
        string[] complete = text.Length == 0 ? [] : text[..^1].Split('\n');
        for (int i = 0; i < complete.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(complete[i])) continue;
            Add(i + 1, complete[i].TrimEnd('\r'));
        }
        string? torn = null;
        if (!string.IsNullOrWhiteSpace(tail))
        {
            // Complete JSON without its newline is a whole line; anything that does not parse is a torn write.
            if (IsJson(tail)) Add(complete.Length + 1, tail);
            else torn = tail;
        }
        long completeLength = torn is null ? bytes.Length : lastNewline + 1;
        return new Contents<T>(lines, torn, completeLength, tail.Length == 0 || torn is not null);

        void Add(int number, string line)
        {
            var (value, key) = parse(new JsonLine(path, number, JsonLines.Parse(path, number, line)));
            if (!firstLine.TryAdd(key, number))
                throw new InvalidDataException($"{path}:{number}: sample {key} appears twice (first at line {firstLine[key]})");
            lines.Add(new StoredLine<T>(value, key, path, number));
        }
    }

    /// <summary>Deserialises an object line into <typeparamref name="T"/>, naming the line on a type mismatch.</summary>
    public static T Deserialize<T>(JsonLine line, JsonSerializerOptions options)
    {
        if (line.Root.ValueKind != JsonValueKind.Object) throw line.Error("expected a JSON object");
        try
        {
            return line.Root.Deserialize<T>(options)!;
        }
        catch (JsonException e)
        {
            throw line.Error($"malformed record ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    /// <summary>UTF-8 text without a byte-order mark.</summary>
    private static string Decode(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
