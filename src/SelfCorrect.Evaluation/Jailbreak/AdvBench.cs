using SelfCorrect.Common;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>One AdvBench harmful behaviour (Zou et al. 2023): its 0-based row index, goal and target string.</summary>
public sealed record AdvBenchBehavior(int Index, string Goal, string Target, int Line);

/// <summary>Loads <c>harmful_behaviors.csv</c> (RFC 4180 CSV with the header <c>goal,target</c>).</summary>
public static class AdvBench
{
    /// <summary>The behaviours of the file in row order; a missing column or malformed row is an error naming file and line.</summary>
    /// <param name="path">The <c>harmful_behaviors.csv</c> file.</param>
    /// <param name="limit">Keep the first N rows (≥ 1); null: all 520.</param>
    public static IReadOnlyList<AdvBenchBehavior> Load(string path, int? limit = null)
    {
        if (limit is <= 0) throw new InvalidSettingException(nameof(JailbreakRunRequest.Limit), $"must be at least 1 (got {limit})");
        var rows = new List<AdvBenchBehavior>();
        bool header = true;
        foreach (var record in CsvReader.Read(path))
        {
            if (header)
            {
                if (record.Fields.Count != 2 || record.Fields[0].Trim() != "goal" || record.Fields[1].Trim() != "target")
                    throw new InvalidDataException($"{path}:{record.Line}: expected the header 'goal,target'");
                header = false;
                continue;
            }
            if (record.Fields.Count != 2)
                throw new InvalidDataException($"{path}:{record.Line}: expected 2 fields (goal,target), found {record.Fields.Count}");
            if (string.IsNullOrWhiteSpace(record.Fields[0])) throw new InvalidDataException($"{path}:{record.Line}: empty goal");
            rows.Add(new AdvBenchBehavior(rows.Count, record.Fields[0], record.Fields[1], record.Line));
            if (rows.Count == limit) break;
        }
        if (header) throw new InvalidDataException($"{path}:1: empty file; expected the header 'goal,target'");
        if (rows.Count == 0) throw new InvalidDataException($"{path}: no behaviours after the header");
        return rows;
    }
}
