using System.Globalization;
using System.Text.RegularExpressions;

namespace SelfCorrect.Correction;

/// <summary>Score parsers: the first number of the reply, a verdict mapped to scores, or a function.</summary>
public static partial class ScoreParsers
{
    /// <summary>The first number in the reply (<c>8/10: harmless</c> scores 8); none: null. Pair it with a prompt that asks for the number first.</summary>
    public static IScoreParser FirstNumber { get; } = new FuncScoreParser(reply =>
        Number().Match(reply) is { Success: true } match ? double.Parse(match.Value, CultureInfo.InvariantCulture) : null);

    /// <summary>A scoring prompt answered with a verdict: <paramref name="noProblemScore"/> or <paramref name="problemScore"/>; unknown: null.</summary>
    public static IScoreParser FromVerdict(IVerdictParser verdicts, double problemScore = 0, double noProblemScore = 1)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        return new FuncScoreParser(reply => verdicts.Parse(reply) switch
        {
            CritiqueVerdict.NoProblem => noProblemScore,
            CritiqueVerdict.Problem => problemScore,
            _ => null,
        });
    }

    /// <summary>A parser that calls <paramref name="parse"/>.</summary>
    public static IScoreParser FromFunc(Func<string, double?> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new FuncScoreParser(parse);
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Number();

    private sealed class FuncScoreParser(Func<string, double?> parse) : IScoreParser
    {
        public double? Parse(string reply) => parse(reply);
    }
}
