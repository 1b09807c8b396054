using System.Globalization;

namespace SelfCorrect.Common;

/// <summary>
/// One of <see cref="Count"/> deterministic parts of a job (a sweep's trainings, an evaluation's samples), written
/// <c>i/N</c> with a 0-based <see cref="Index"/>: Slurm's <c>SLURM_ARRAY_TASK_ID</c> (with <c>--array=0-(N-1)</c>) and
/// Kubernetes' <c>JOB_COMPLETION_INDEX</c> count from 0, so either can be passed as it is.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The whole job as one shard.</summary>
    public static readonly Shard Whole = new(0, 1);

    /// <summary>Parses <c>i/N</c> (0 ≤ i &lt; N); anything else is an error naming <paramref name="setting"/>.</summary>
    public static Shard Parse(string text, string setting = "Shard")
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new InvalidSettingException(setting, $"expected i/N with a 0-based shard index i, e.g. 0/4 (got '{text}')");
        if (count < 1) throw new InvalidSettingException(setting, $"the shard count N must be at least 1 (got '{text}')");
        if (index >= count) throw new InvalidSettingException(setting, $"the shard index i counts from 0 and must be below N={count} (got '{text}')");
        return new Shard(index, count);
    }

    /// <summary>True when the job is split at all.</summary>
    public bool IsPartial => Count > 1;

    /// <summary>Names the shard's own files: <c>shard-I-of-N</c>.</summary>
    public string FileTag => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    /// <summary>The shard's items of a list whose items cost about the same: every N-th, starting at <see cref="Index"/>.</summary>
    public IReadOnlyList<T> Slice<T>(IReadOnlyList<T> items) => [.. items.Where((_, position) => position % Count == Index)];

    /// <summary>How many of <paramref name="total"/> equally costly items <see cref="Slice{T}"/> gives this shard.</summary>
    public int SizeOf(int total) => total / Count + (Index < total % Count ? 1 : 0);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>
    /// Splits items of different costs into <paramref name="count"/> shards of nearly equal total cost: the longest
    /// processing time rule (costliest first, each to the shard with the least cost so far; ties to the earlier item and
    /// the lower shard), whose largest shard is at most 4/3 of the best possible (Graham, SIAM J. Appl. Math. 17, 1969).
    /// The same costs always give the same partition. Returns each shard's item positions in ascending order.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Balance(IReadOnlyList<double> costs, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var shards = Enumerable.Range(0, count).Select(_ => new List<int>()).ToList();
        var load = new double[count];
        foreach (int item in Enumerable.Range(0, costs.Count).OrderByDescending(i => costs[i]).ThenBy(i => i))
        {
            int lightest = 0;
            for (int shard = 1; shard < count; shard++)
                if (load[shard] < load[lightest]) lightest = shard;
            shards[lightest].Add(item);
            load[lightest] += costs[item];
        }
        return [.. shards.Select(s => (IReadOnlyList<int>)[.. s.Order()])];
    }
}
