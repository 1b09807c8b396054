using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Storage;

/// <summary>Reads and validates responses files (JSON Lines of <see cref="ResponseRecord"/>).</summary>
public static class ResponsesFile
{
    /// <summary>The parser of a responses file keyed by <paramref name="keys"/>.</summary>
    public static KeyedLineParser<ResponseRecord> Parser(SampleKeyFormat keys) => line => Parse(line, keys);

    /// <summary>All records of a file; a torn last line is ignored here (rescoring never modifies its input).</summary>
    public static IReadOnlyList<StoredLine<ResponseRecord>> ReadAll(string path, SampleKeyFormat keys) =>
        JsonLinesFile.Read(path, Parser(keys)).Lines;

    /// <summary>One record and its key; a malformed line or a record without its key fields is an error naming file and line.</summary>
    public static (ResponseRecord Value, string Key) Parse(JsonLine line, SampleKeyFormat keys)
    {
        var record = JsonLinesFile.Deserialize<ResponseRecord>(line, ResponseRecord.JsonOptions);
        string key = keys.KeyOf(record, out string? problem) ?? throw line.Error(problem!);
        if (record.Initial is null) throw line.Error("missing field 'initial'");
        if (record.Critique is not null && record.Critiques is not null) throw line.Error("both 'critique' and 'critiques' given");
        if (record.Final is not null && record.Finals is not null) throw line.Error("both 'final' and 'finals' given");
        return (record, key);
    }
}
