using System.Globalization;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>
/// The official target locations: <c>analysis_scripts/additional_metadata.csv</c> of nyu-mll/BBQ, written by
/// <c>analysis_scripts/BBQ_results_metadata.R</c> with the columns <c>category, question_index, example_id,
/// target_loc, label_type, Known_stereotyped_race, Known_stereotyped_var2, Relevant_social_values,
/// corr_ans_aligns_var2, corr_ans_aligns_race, full_cond, Known_stereotyped_groups</c>. Only the first four are read;
/// <c>target_loc</c> is the target's option index, or <c>NA</c>/<c>x</c>/empty where the official analysis found
/// none. Rows repeat in the official file; a repeat must give the same target (as the CaC reference loader checks).
/// </summary>
public sealed class TargetMetadata
{
    /// <summary>Unresolved reason: the example has no row in the file.</summary>
    public const string NotListed = "no row in the target metadata";
    /// <summary>Unresolved reason: the row's target_loc is NA, x or empty.</summary>
    public const string NoTarget = "the target metadata gives no target_loc";
    /// <summary>Unresolved reason: the row for the (category, example_id) belongs to another question_index.</summary>
    public const string OtherQuestion = "the target metadata row has another question_index";

    private static readonly string[] RequiredColumns = ["category", "question_index", "example_id", "target_loc"];

    private sealed record Row(string QuestionIndex, int? TargetLoc, int Line);

    private readonly Dictionary<(string Category, int ExampleId), Row> rows;

    /// <summary>The file loaded.</summary>
    public string Path { get; }

    private TargetMetadata(string path, Dictionary<(string, int), Row> rows)
    {
        Path = path;
        this.rows = rows;
    }

    /// <summary>Reads the file; a missing column, a malformed value or a repeated row with another target is an error naming file and line.</summary>
    /// <param name="path">The <c>additional_metadata.csv</c> file.</param>
    /// <param name="setting">The request property that named the file, for errors.</param>
    public static TargetMetadata Load(string path, string setting)
    {
        if (!File.Exists(path)) throw new InvalidSettingException(setting, $"file '{path}' not found");
        var rows = new Dictionary<(string, int), Row>(new KeyComparer());
        int[]? columns = null;
        foreach (var record in CsvReader.Read(path))
        {
            if (columns is null)
            {
                var header = record.Fields.Select(f => f.Trim()).ToList();
                columns = RequiredColumns.Select(column => header.IndexOf(column)).ToArray();
                int missing = Array.IndexOf(columns, -1);
                if (missing >= 0)
                    throw new InvalidDataException($"{path}:{record.Line}: missing column '{RequiredColumns[missing]}' (expected the header of the official additional_metadata.csv)");
                continue;
            }
            if (record.Fields.Count <= columns.Max())
                throw new InvalidDataException($"{path}:{record.Line}: expected {columns.Max() + 1} or more fields, found {record.Fields.Count}");
            string Field(int column) => record.Fields[columns[column]].Trim();
            if (!int.TryParse(Field(2), NumberStyles.None, CultureInfo.InvariantCulture, out int exampleId))
                throw new InvalidDataException($"{path}:{record.Line}: example_id '{Field(2)}' is not a number");
            int? target = Field(3) switch
            {
                "" or "NA" or "x" => null,
                "0" => 0,
                "1" => 1,
                "2" => 2,
                var other => throw new InvalidDataException($"{path}:{record.Line}: target_loc '{other}' is not 0, 1, 2, NA or x"),
            };
            var row = new Row(Field(1), target, record.Line);
            var key = (Field(0), exampleId);
            if (rows.TryGetValue(key, out var first))
            {
                if (first.TargetLoc != row.TargetLoc)
                    throw new InvalidDataException($"{path}:{record.Line}: example (category {key.Item1}, example_id {exampleId}) has target_loc "
                        + $"{Show(row.TargetLoc)} here but {Show(first.TargetLoc)} at line {first.Line}");
                continue;
            }
            rows[key] = row;
        }
        if (columns is null) throw new InvalidDataException($"{path}:1: empty file; expected the header of the official additional_metadata.csv");
        return new TargetMetadata(path, rows);
    }

    /// <summary>The example's target option by the official metadata, or why it has none.</summary>
    public TargetResolution Resolve(BbqExample example)
    {
        if (!rows.TryGetValue((example.Category, example.ExampleId), out var row)) return TargetResolution.Unresolved(NotListed);
        if (row.QuestionIndex != example.QuestionIndex) return TargetResolution.Unresolved(OtherQuestion);
        return row.TargetLoc is int index ? TargetResolution.Found(index) : TargetResolution.Unresolved(NoTarget);
    }

    private static string Show(int? target) => target?.ToString(CultureInfo.InvariantCulture) ?? "NA";

    /// <summary>Categories compare case-insensitively, as in the CaC reference loader.</summary>
    private sealed class KeyComparer : IEqualityComparer<(string Category, int ExampleId)>
    {
        public bool Equals((string Category, int ExampleId) x, (string Category, int ExampleId) y) =>
            x.ExampleId == y.ExampleId && string.Equals(x.Category, y.Category, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Category, int ExampleId) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Category), key.ExampleId);
    }
}
