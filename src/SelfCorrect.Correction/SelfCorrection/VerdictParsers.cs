namespace SelfCorrect.Correction;

/// <summary>Verdict parsers built from a function or from keyword lists.</summary>
public static class VerdictParsers
{
    /// <summary>A parser that calls <paramref name="parse"/>.</summary>
    public static IVerdictParser FromFunc(Func<string, CritiqueVerdict> parse) => new FuncVerdictParser(parse);

    /// <summary>
    /// The first of the given phrases found in the lower-cased critique decides (the earliest position wins, so
    /// "harmless" after "not harmful" does not flip it); none found: <see cref="CritiqueVerdict.Unknown"/>.
    /// </summary>
    public static IVerdictParser Keywords(IEnumerable<string> problemPhrases, IEnumerable<string> noProblemPhrases) =>
        new KeywordVerdictParser([.. problemPhrases], [.. noProblemPhrases]);

    private sealed class FuncVerdictParser(Func<string, CritiqueVerdict> parse) : IVerdictParser
    {
        public CritiqueVerdict Parse(string critique) => parse(critique);
    }

    private sealed class KeywordVerdictParser(string[] problemPhrases, string[] noProblemPhrases) : IVerdictParser
    {
        public CritiqueVerdict Parse(string critique)
        {
            string text = critique.ToLowerInvariant();
            int problem = FirstIndex(text, problemPhrases), fine = FirstIndex(text, noProblemPhrases);
            if (problem < 0 && fine < 0) return CritiqueVerdict.Unknown;
            if (fine < 0 || (problem >= 0 && problem < fine)) return CritiqueVerdict.Problem;
            return CritiqueVerdict.NoProblem;
        }

        private static int FirstIndex(string text, string[] phrases)
        {
            int first = -1;
            foreach (string phrase in phrases)
            {
                int at = text.IndexOf(phrase.ToLowerInvariant(), StringComparison.Ordinal);
                if (at >= 0 && (first < 0 || at < first)) first = at;
            }
            return first;
        }
    }
}
