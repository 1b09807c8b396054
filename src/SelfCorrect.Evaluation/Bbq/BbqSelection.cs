using SelfCorrect.Common;

namespace SelfCorrect.Evaluation.Bbq;

/// <summary>Which examples a run uses: categories, context condition, and an optional seeded sample per category.</summary>
public sealed record BbqSelection(IReadOnlyList<string> Categories, string Condition, int? PerCategory, int Seed)
{
    /// <summary>The accepted <see cref="Condition"/> values: <c>ambig</c>, <c>disambig</c> and <c>all</c>.</summary>
    public static readonly IReadOnlyList<string> Conditions = ["ambig", "disambig", "all"];

    /// <summary>
    /// Filters, then draws <see cref="PerCategory"/> examples per category without replacement: the category's
    /// examples in example_id order are shuffled by a generator seeded from the seed and the category name, so a
    /// category's draw does not change when other categories are added or removed.
    /// </summary>
    public IReadOnlyList<BbqExample> Apply(IReadOnlyList<BbqExample> examples)
    {
        if (!Conditions.Contains(Condition)) throw new InvalidSettingException(nameof(Condition), $"'{Condition}' is not one of {string.Join(", ", Conditions)}");
        if (PerCategory is <= 0) throw new InvalidSettingException(nameof(PerCategory), $"must be at least 1 (got {PerCategory})");
        var present = examples.Select(e => e.Category).Distinct().Order(StringComparer.Ordinal).ToList();
        var wanted = new List<string>();
        foreach (string name in Categories.Count == 0 ? present : Categories)
        {
            string category = present.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidSettingException(nameof(Categories), $"unknown category '{name}' (the data holds: {string.Join(", ", present)})");
            if (!wanted.Contains(category)) wanted.Add(category);
        }
        var selected = new List<BbqExample>();
        foreach (string category in wanted)
        {
            var pool = examples
                .Where(e => e.Category == category && (Condition == "all" || BbqExample.ConditionName(e.Condition) == Condition))
                .OrderBy(e => e.ExampleId)
                .ToArray();
            if (PerCategory is int n && n < pool.Length)
            {
                new Random(CategorySeed(category)).Shuffle(pool);
                pool = pool.Take(n).OrderBy(e => e.ExampleId).ToArray();
            }
            selected.AddRange(pool);
        }
        if (selected.Count == 0)
            throw new InvalidSettingException(nameof(Condition), $"empty selection: no examples with condition {Condition} in categories {string.Join(", ", wanted)}");
        return selected;
    }

    /// <summary>FNV-1a of the category name mixed with the seed: stable across processes, unlike string.GetHashCode.</summary>
    private int CategorySeed(string category)
    {
        uint hash = 2166136261;
        foreach (char c in category) hash = (hash ^ c) * 16777619;
        return (int)(hash ^ (uint)Seed);
    }
}
