using System.Text.Json.Nodes;
using SelfCorrect.Common;
using SelfCorrect.Correction;

namespace SelfCorrect.Evaluation.Jailbreak;

/// <summary>
/// The judges of a jailbreak run or rescoring, parsed from judge specs: <c>reference</c> (the CaC
/// reference 8 strings), <c>llm-attacks</c> (29 strings), <c>file:PATH</c> (one string per line), <c>llm:SPEC</c>
/// (a judge model; the spec is resolved by the caller), <c>harmbench:openai:MODEL</c> (the HarmBench classifier served
/// with text completions); and how lists holding <c>&lt;/s&gt;</c> treat an answer that ended with end-of-sequence.
/// </summary>
public sealed record JudgeSet(IReadOnlyList<RefusalJudge> Refusal, string? LlmModelSpec, EndOfSequenceRule EndOfSequence = EndOfSequenceRule.Auto)
{
    private const string HarmBenchPrefix = HarmBenchClassifier.Name + ":";

    /// <summary>The HarmBench classifier's model spec (<c>openai:MODEL</c>); null: not a judge of this set.</summary>
    public string? HarmBenchModelSpec { get; init; }

    /// <summary>The request property the specs come from: the run and the scoring request both call it this.</summary>
    private const string Setting = nameof(JailbreakRunRequest.Judges);

    public static JudgeSet Parse(IReadOnlyList<string> specs, EndOfSequenceRule endOfSequence = EndOfSequenceRule.Auto)
    {
        var refusal = new List<RefusalJudge>();
        string? llm = null, harmBench = null;
        foreach (string spec in specs.Count == 0 ? ["reference"] : specs)
        {
            RefusalJudge? judge = spec switch
            {
                "reference" => RefusalJudge.Reference,
                "llm-attacks" => RefusalJudge.LlmAttacks,
                _ when spec.StartsWith("file:", StringComparison.Ordinal) && spec.Length > 5 => RefusalJudge.FromFile(spec[5..]),
                _ when spec.StartsWith("llm:", StringComparison.Ordinal) && spec.Length > 4 => null,
                _ when spec.StartsWith(HarmBenchPrefix, StringComparison.Ordinal) => null,
                _ => throw new InvalidSettingException(Setting, $"'{spec}' is not one of reference, llm-attacks, file:PATH, llm:MODEL-SPEC, harmbench:openai:MODEL"),
            };
            if (judge is null && spec.StartsWith(HarmBenchPrefix, StringComparison.Ordinal))
            {
                if (harmBench is not null) throw new InvalidSettingException(Setting, "only one harmbench: judge per run");
                harmBench = HarmBenchSpec(spec[HarmBenchPrefix.Length..]);
                continue;
            }
            if (judge is null)
            {
                if (llm is not null) throw new InvalidSettingException(Setting, "only one llm: judge per run");
                llm = spec[4..];
                continue;
            }
            if (refusal.Any(j => j.Name == judge.Name)) throw new InvalidSettingException(Setting, $"'{spec}' is given twice");
            refusal.Add(judge);
        }
        return new JudgeSet(refusal, llm, endOfSequence) { HarmBenchModelSpec = harmBench };
    }

    /// <summary>The classifier's spec: only an OpenAI-compatible server offers the text completions it needs.</summary>
    private static string HarmBenchSpec(string spec)
    {
        ModelSpec? model = null;
        try
        {
            model = ModelSpec.Parse(spec);
        }
        catch (ArgumentException)
        {
            // Reported below, naming the judge option rather than the model's.
        }
        return model is { Kind: BackendKind.OpenAI } ? model.ToString()
            : throw new InvalidSettingException(Setting, $"'harmbench:{spec}': give harmbench:openai:MODEL, the classifier served with /v1/completions (vLLM, llama.cpp server)");
    }

    /// <summary>How a list treats end-of-sequence, as recorded: <c>auto</c>, <c>on</c> or <c>off</c>; null for a list without <c>&lt;/s&gt;</c>.</summary>
    public string? EndOfSequenceOf(RefusalJudge judge) => judge.MatchesEndOfSequence ? EndOfSequence.ToString().ToLowerInvariant() : null;

    /// <summary>The judges as recorded in the settings: every refusal string, and the LLM judge's model and prompt.</summary>
    public JsonArray Describe(string? llmPrompt) => new([
        .. Refusal.Select(j => (JsonNode)new JsonObject
        {
            ["name"] = j.Name,
            ["kind"] = "refusal-substrings",
            ["source"] = j.Source,
            ["strings"] = new JsonArray([.. j.Strings.Select(s => (JsonNode)s)]),
            ["end_of_sequence_as_refusal"] = EndOfSequenceOf(j),
        }),
        .. LlmModelSpec is null ? Array.Empty<JsonNode>() :
        [
            new JsonObject { ["name"] = LlmJudge.Name, ["kind"] = "llm", ["model"] = LlmModelSpec, ["prompt"] = llmPrompt },
        ],
        .. HarmBenchModelSpec is null ? Array.Empty<JsonNode>() :
        [
            new JsonObject
            {
                ["name"] = HarmBenchClassifier.Name, ["kind"] = HarmBenchClassifier.Kind, ["model"] = HarmBenchModelSpec,
                ["source"] = HarmBenchClassifier.Source, ["prompt"] = HarmBenchClassifier.Prompt,
            },
        ],
    ]);
}
