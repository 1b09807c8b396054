using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Evaluation.Runner;

namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>
/// The judges of an over-refusal run or rescoring, parsed from judge specs: <c>xstest-strmatch</c> (the XSTest
/// paper's string-match classifier, the default) and <c>llm:SPEC</c> (the three-class LLM judge; the spec is resolved
/// by the caller).
/// </summary>
public sealed record OverrefusalJudges(bool StringMatch, string? LlmModelSpec)
{
    /// <summary>The request property the specs come from: the run and the scoring request both call it this.</summary>
    public const string Setting = "Judges";

    /// <summary>
    /// The judges of specs <c>xstest-strmatch</c> and <c>llm:MODEL-SPEC</c> (none: string match only); an unknown or
    /// repeated spec is an error naming <see cref="Setting"/>.
    /// </summary>
    public static OverrefusalJudges Parse(IReadOnlyList<string> specs)
    {
        bool stringMatch = false;
        string? llm = null;
        foreach (string spec in specs.Count == 0 ? [XsTestStringMatch.Name] : specs)
        {
            if (spec == XsTestStringMatch.Name)
            {
                if (stringMatch) throw new InvalidSettingException(Setting, $"'{spec}' is given twice");
                stringMatch = true;
            }
            else if (spec.StartsWith("llm:", StringComparison.Ordinal) && spec.Length > 4)
            {
                if (llm is not null) throw new InvalidSettingException(Setting, "only one llm: judge per run");
                llm = spec[4..];
            }
            else throw new InvalidSettingException(Setting, $"'{spec}' is not one of {XsTestStringMatch.Name}, llm:MODEL-SPEC");
        }
        return new OverrefusalJudges(stringMatch, llm);
    }

    /// <summary>The judges as the metrics list them.</summary>
    public IReadOnlyList<JudgeSummary> Summaries()
    {
        var judges = new List<JudgeSummary>();
        if (StringMatch) judges.Add(new JudgeSummary(XsTestStringMatch.Name, "refusal-prefixes", XsTestStringMatch.Source, XsTestStringMatch.Prefixes, null));
        if (LlmModelSpec is not null) judges.Add(new JudgeSummary(RefusalLlmJudge.Name, "llm", LlmModelSpec, null, null));
        return judges;
    }

    /// <summary>The judges as recorded in the settings: the string-match prefixes, and the LLM judge's model and prompt.</summary>
    public JsonArray Describe(string llmPrompt)
    {
        var judges = new JsonArray();
        if (StringMatch)
        {
            judges.Add(new JsonObject
            {
                ["name"] = XsTestStringMatch.Name,
                ["kind"] = "refusal-prefixes",
                ["source"] = XsTestStringMatch.Source,
                ["prefixes"] = new JsonArray([.. XsTestStringMatch.Prefixes.Select(p => (JsonNode)p)]),
            });
        }
        if (LlmModelSpec is not null) judges.Add(new JsonObject { ["name"] = RefusalLlmJudge.Name, ["kind"] = "llm", ["model"] = LlmModelSpec, ["prompt"] = llmPrompt });
        return judges;
    }
}
