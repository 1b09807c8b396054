using System.Text;
using System.Text.Json;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Records;

/// <summary>
/// Reads a responses file (JSON Lines of <see cref="ResponseRecord"/>) strictly: every complete line must be a valid
/// record with a unique key. Only the last line may be torn (no final newline and not valid JSON): a process killed
/// mid-write leaves exactly that, so it is reported separately rather than as corruption.
/// </summary>
public static class ResponsesFile
{
    public sealed record Contents(IReadOnlyList<StoredRecord> Records, string? TornTail, long CompleteLength, bool EndsWithNewline);

    public static Contents Read(string path, SampleKeyFormat keys)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        int lastNewline = text.LastIndexOf('\n');
        string tail = text[(lastNewline + 1)..];
        var records = new List<StoredRecord>();
        var firstLine = new Dictionary<string, int>();
        string[] complete = lastNewline < 0 ? [] : text[..lastNewline].Split('\n');
        for (int i = 0; i < complete.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(complete[i])) continue;
            Add(Parse(path, i + 1, complete[i].TrimEnd('\r'), keys));
        }
        string? torn = null;
        if (!string.IsNullOrWhiteSpace(tail))
        {
            // Complete JSON without its newline is a whole record; anything that does not parse is a torn write.
            if (IsJson(tail)) Add(Parse(path, complete.Length + 1, tail, keys));
            else torn = tail;
        }
        long completeLength = torn is null ? new FileInfo(path).Length : Encoding.UTF8.GetByteCount(text.AsSpan(0, lastNewline + 1));
        return new Contents(records, torn, completeLength, tail.Length == 0 || torn is not null);

        void Add(StoredRecord record)
        {
            if (!firstLine.TryAdd(record.Key, record.Line))
                throw record.Error($"sample {record.Key} appears twice (first at line {firstLine[record.Key]})");
            records.Add(record);
        }
    }

    public static StoredRecord Parse(string path, int number, string line, SampleKeyFormat keys)
    {
        var element = JsonLines.Parse(path, number, line);
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}:{number}: expected a JSON object");
        ResponseRecord record;
        try
        {
            record = element.Deserialize<ResponseRecord>(ResponseRecord.JsonOptions)!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{number}: malformed record ({e.Message.Split('\n')[0].Trim()})");
        }
        string? key = keys.KeyOf(record, out string? problem);
        if (key is null) throw new InvalidDataException($"{path}:{number}: {problem}");
        if (record.Initial is null) throw new InvalidDataException($"{path}:{number}: missing field 'initial'");
        if (record.Critique is not null && record.Critiques is not null)
            throw new InvalidDataException($"{path}:{number}: both 'critique' and 'critiques' given");
        if (record.Final is not null && record.Finals is not null)
            throw new InvalidDataException($"{path}:{number}: both 'final' and 'finals' given");
        return new StoredRecord(record, key, path, number);
    }

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
