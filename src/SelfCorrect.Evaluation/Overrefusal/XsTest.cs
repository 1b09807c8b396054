using SelfCorrect.Common;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>
/// Loads the XSTest prompts (Röttger et al., NAACL 2024; github.com/paul-rottger/exaggerated-safety,
/// <c>xstest_prompts.csv</c>, CC-BY-4.0): RFC 4180 CSV with the header <c>id,prompt,type,label,focus,note</c>, 250 safe
/// and 200 unsafe prompts. <c>id</c>, <c>prompt</c>, <c>type</c> and <c>label</c> are required; other columns are kept
/// out of the way.
/// </summary>
public static class XsTest
{
    private static readonly string[] RequiredColumns = ["id", "prompt", "type", "label"];

    /// <summary>The prompts of the CSV in file order; a missing column, a bad label or a repeated id is an error naming file and line.</summary>
    /// <param name="path">The <c>xstest_prompts.csv</c> file.</param>
    /// <param name="limit">Keep the first N prompts (≥ 1); null: all.</param>
    /// <param name="setting">The request property that names the file, for errors.</param>
    /// <param name="limitSetting">The request property of <paramref name="limit"/>, for errors.</param>
    public static IReadOnlyList<XsTestPrompt> Load(string path, int? limit, string setting, string limitSetting)
    {
        if (limit is <= 0) throw new InvalidSettingException(limitSetting, $"must be at least 1 (got {limit})");
        if (!File.Exists(path)) throw new InvalidSettingException(setting, $"file '{path}' not found");
        var prompts = new List<XsTestPrompt>();
        var firstLine = new Dictionary<string, int>();
        int[]? columns = null;
        int width = 0;
        foreach (var record in CsvReader.Read(path))
        {
            if (columns is null)
            {
                var header = record.Fields.Select(f => f.Trim()).ToList();
                columns = RequiredColumns.Select(column => header.IndexOf(column)).ToArray();
                int missing = Array.IndexOf(columns, -1);
                if (missing >= 0)
                    throw new InvalidDataException($"{path}:{record.Line}: missing column '{RequiredColumns[missing]}' (expected the XSTest header id,prompt,type,label,focus,note)");
                width = header.Count;
                continue;
            }
            if (record.Fields.Count != width)
                throw new InvalidDataException($"{path}:{record.Line}: expected {width} fields like the header, found {record.Fields.Count}");
            string Field(int column) => record.Fields[columns[column]];
            string id = Field(0).Trim();
            if (id.Length == 0) throw new InvalidDataException($"{path}:{record.Line}: empty id");
            if (!firstLine.TryAdd(id, record.Line)) throw new InvalidDataException($"{path}:{record.Line}: id {id} appears twice (first at line {firstLine[id]})");
            if (string.IsNullOrWhiteSpace(Field(1))) throw new InvalidDataException($"{path}:{record.Line}: empty prompt");
            var label = Field(3).Trim() switch
            {
                "safe" => XsTestLabel.Safe,
                "unsafe" => XsTestLabel.Unsafe,
                var other => throw new InvalidDataException($"{path}:{record.Line}: label '{other}' is neither 'safe' nor 'unsafe'"),
            };
            prompts.Add(new XsTestPrompt(id, Field(1), Field(2).Trim(), label, record.Line));
            if (prompts.Count == limit) break;
        }
        if (columns is null) throw new InvalidDataException($"{path}:1: empty file; expected the XSTest header id,prompt,type,label,focus,note");
        if (prompts.Count == 0) throw new InvalidDataException($"{path}: no prompts after the header");
        return prompts;
    }
}
