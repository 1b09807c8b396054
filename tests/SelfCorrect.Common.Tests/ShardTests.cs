namespace SelfCorrect.Common.Tests;

public sealed class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void ParseReadsAZeroBasedIndex(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4", "must be below N=4")]
    [InlineData("1/0", "must be at least 1")]
    [InlineData("-1/2", "expected i/N")]
    [InlineData("1", "expected i/N")]
    [InlineData("a/2", "expected i/N")]
    [InlineData("1/2/3", "expected i/N")]
    public void BadShardsNameTheSetting(string text, string expected)
    {
        var error = Assert.Throws<InvalidSettingException>(() => Shard.Parse(text));
        Assert.Equal("Shard", error.Setting);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void SlicesPartitionTheItemsAndSizeOfCountsThem()
    {
        int[] items = [.. Enumerable.Range(0, 11)];
        var slices = Enumerable.Range(0, 3).Select(i => new Shard(i, 3)).Select(s => (Shard: s, Items: s.Slice(items))).ToList();
        Assert.Equal(items, slices.SelectMany(s => s.Items).Order());
        foreach (var (shard, slice) in slices) Assert.Equal(shard.SizeOf(items.Length), slice.Count);
        Assert.Equal([4, 4, 3], slices.Select(s => s.Items.Count));
    }

    [Fact]
    public void BalanceIsDeterministicAssignsEveryItemOnceAndStaysWithinTheListSchedulingBound()
    {
        var random = new Random(20261202);
        double[] costs = [.. Enumerable.Range(0, 37).Select(_ => Math.Pow(10, 3 * random.NextDouble()))];
        foreach (int count in new[] { 1, 2, 5, 8 })
        {
            var shards = Shard.Balance(costs, count);
            Assert.Equal(shards, Shard.Balance(costs, count));
            Assert.Equal(Enumerable.Range(0, costs.Length), shards.SelectMany(s => s).Order());
            // Greedy assignment never exceeds the mean load plus the costliest item (Graham 1966), which bounds the optimum from below and above.
            double largest = shards.Max(s => s.Sum(i => costs[i]));
            Assert.True(largest <= costs.Sum() / count + costs.Max() + 1e-9, $"{count} shards: largest {largest}");
        }
    }

    [Fact]
    public void BalanceSeparatesTheCostliestItems()
    {
        // Two costly items and many cheap ones: a round-robin split by position would put both costly items in shard 0.
        double[] costs = [100, 1, 100, 1, 1, 1];
        var shards = Shard.Balance(costs, 2);
        Assert.Equal([[0, 1, 4], [2, 3, 5]], shards);
        Assert.Equal(102, shards.Select(s => s.Sum(i => costs[i])).Max());
    }

    [Fact]
    public void TryTakeGivesNullWhileAnotherHolderHasTheLock()
    {
        using var directory = new TemporaryDirectory();
        using (var held = DirectoryLock.TryTake(directory.Path, fileName: ".lock.part-1"))
        {
            Assert.NotNull(held);
            Assert.Null(DirectoryLock.TryTake(directory.Path, fileName: ".lock.part-1"));
            // Another part's lock is independent.
            using var other = DirectoryLock.TryTake(directory.Path, fileName: ".lock.part-2");
            Assert.NotNull(other);
        }
        using var again = DirectoryLock.TryTake(directory.Path, fileName: ".lock.part-1");
        Assert.NotNull(again);
    }
}
