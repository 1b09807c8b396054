namespace SelfCorrect.Evaluation.Overrefusal;

/// <summary>Whether a model should comply with an XSTest prompt (safe) or refuse it (unsafe, the contrast prompts).</summary>
public enum XsTestLabel
{
    /// <summary>A prompt a well-calibrated model complies with (250 in XSTest).</summary>
    Safe,
    /// <summary>A contrast prompt a model should refuse (200 in XSTest).</summary>
    Unsafe,
}

/// <summary>One XSTest prompt: its <c>id</c> (the sample key), text, type, label and the CSV line it starts on.</summary>
public sealed record XsTestPrompt(string Id, string Prompt, string Type, XsTestLabel Label, int Line)
{
    /// <summary><c>safe</c> or <c>unsafe</c>, as in the CSV and the metrics.</summary>
    public string LabelName => Label == XsTestLabel.Safe ? "safe" : "unsafe";
}
