using System.Text.Json;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Data;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Loads the official BBQ JSONL files (a directory of them, or a list of files) with every field.</summary>
public static class BbqDataset
{
    /// <summary>The JSONL files named by the paths: a directory contributes its <c>*.jsonl</c> files in name order.</summary>
    public static IReadOnlyList<string> ResolveFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path, "*.jsonl").Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new InvalidSettingException(nameof(BbqRunRequest.DataPaths), $"no .jsonl files in directory '{path}'");
                files.AddRange(found);
            }
            else if (File.Exists(path)) files.Add(path);
            else throw new InvalidSettingException(nameof(BbqRunRequest.DataPaths), $"'{path}' is neither a file nor a directory");
        }
        return files;
    }

    /// <summary>Every example of the files; a malformed line or a repeated (category, example_id) is an error naming file and line.</summary>
    public static IReadOnlyList<BbqExample> Load(IReadOnlyList<string> files)
    {
        var examples = new List<BbqExample>();
        var seen = new Dictionary<string, string>();
        foreach (string file in files)
        {
            foreach (var line in JsonLines.Read(file))
            {
                var example = Parse(line);
                string where = $"{file}:{line.Number}";
                if (!seen.TryAdd(example.Key, where))
                    throw line.Error($"duplicate example (category {example.Category}, example_id {example.ExampleId}), first at {seen[example.Key]}");
                examples.Add(example);
            }
        }
        return examples;
    }

    /// <summary>One example from a JSONL line of the official format; a missing or malformed field is an error naming file and line.</summary>
    public static BbqExample Parse(JsonLine line)
    {
        string category = line.RequiredString("category");
        int exampleId = line.RequiredInt("example_id");
        var polarity = line.RequiredString("question_polarity") switch
        {
            "neg" => BbqPolarity.Negative,
            "nonneg" => BbqPolarity.NonNegative,
            var other => throw line.Error($"question_polarity '{other}' is neither 'neg' nor 'nonneg'"),
        };
        var condition = line.RequiredString("context_condition") switch
        {
            "ambig" => BbqCondition.Ambiguous,
            "disambig" => BbqCondition.Disambiguated,
            var other => throw line.Error($"context_condition '{other}' is neither 'ambig' nor 'disambig'"),
        };
        string[] answers = Enumerable.Range(0, BbqExample.OptionCount).Select(i => line.RequiredString($"ans{i}")).ToArray();
        int label = line.RequiredInt("label");
        if (label is < 0 or >= BbqExample.OptionCount) throw line.Error($"label {label} is not 0, 1 or 2");
        return new BbqExample(
            category, exampleId, QuestionIndex(line), polarity, condition,
            line.RequiredString("context"), line.RequiredString("question"), answers, AnswerInfo(line), label,
            Metadata(line), line.Path, line.Number);
    }

    /// <summary><c>question_index</c> is a string in the official files; a bare number is accepted too.</summary>
    private static string QuestionIndex(JsonLine line)
    {
        var value = line.Required("question_index");
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw line.Error("field 'question_index' must be a string"),
        };
    }

    private static BbqAnswerInfo[] AnswerInfo(JsonLine line)
    {
        var info = line.Required("answer_info");
        if (info.ValueKind != JsonValueKind.Object) throw line.Error("field 'answer_info' must be an object");
        var result = new BbqAnswerInfo[BbqExample.OptionCount];
        for (int i = 0; i < result.Length; i++)
        {
            if (!info.TryGetProperty($"ans{i}", out var pair)) throw line.Error($"missing field 'answer_info.ans{i}'");
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw line.Error($"field 'answer_info.ans{i}' must be [text, group tag]");
            result[i] = new BbqAnswerInfo(pair[0].GetString()!, pair[1].GetString()!);
        }
        return result;
    }

    private static BbqMetadata Metadata(JsonLine line)
    {
        if (!line.Root.TryGetProperty("additional_metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null)
            return new BbqMetadata(null, [], null, null);
        if (metadata.ValueKind != JsonValueKind.Object) throw line.Error("field 'additional_metadata' must be an object");
        var groups = new List<string>();
        if (metadata.TryGetProperty("stereotyped_groups", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw line.Error("field 'additional_metadata.stereotyped_groups' must be a list of strings");
            groups.AddRange(list.EnumerateArray().Select(e => e.GetString()!));
        }
        return new BbqMetadata(Text(metadata, "subcategory"), groups, Text(metadata, "version"), Text(metadata, "source"));
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
