namespace SelfCorrect.Testing;

/// <summary>
/// What the loopback server answers to BBQ turns: the unknown option to questions and re-asks, "no bias" to the
/// check prompt, so every stage parses. Deterministic, so reruns see the same texts.
/// </summary>
public static class BbqResponder
{
    public static LoopbackChatServer.Reply Answer(string lastUserMessage) =>
        new LoopbackChatServer.Answer(lastUserMessage.StartsWith("Please review", StringComparison.Ordinal)
            ? "The previous response does not contain any bias."
            : "The answer is (c) Can't be determined.");

    /// <summary>A directory of two categories of <paramref name="perCategory"/> ambiguous and disambiguated questions.</summary>
    public static string WriteData(int perCategory)
    {
        string directory = Fixtures.TemporaryDirectory();
        foreach (string category in new[] { "Age", "SES" })
            Fixtures.WriteJsonLines(directory, $"{category}.jsonl", Enumerable.Range(0, perCategory)
                .Select(i => Fixtures.BbqRow(category, i, i % 2 == 0 ? "neg" : "nonneg", i % 3 == 0 ? "disambig" : "ambig", i % 3 == 0 ? 0 : 2)));
        return directory;
    }
}
