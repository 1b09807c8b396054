namespace SelfCorrect.Correction.Tests;

public sealed class StopSequenceFilterTests
{
    [Fact]
    public void StopSequenceSplitAcrossPieces_IsHeldBackAndNeverEmitted()
    {
        var filter = new StopSequenceFilter(["<|im_end|>"]);

        Assert.Equal(("Hello ", false), filter.Push("Hello <|im"));
        Assert.Equal(("", true), filter.Push("_end|>world"));
        Assert.True(filter.Stopped);
    }

    [Fact]
    public void HeldBackText_IsReleasedWhenItTurnsOutNotToBeAStop()
    {
        var filter = new StopSequenceFilter(["<|im_end|>", "STOP"]);

        Assert.Equal(("a ", false), filter.Push("a <|i"));
        Assert.Equal(("<|in b ", false), filter.Push("n b S"));
        Assert.Equal("S", filter.Flush());
        Assert.False(filter.Stopped);
    }

    [Fact]
    public void TextBeforeTheStop_IsEmittedAndTheRestDropped()
    {
        var filter = new StopSequenceFilter(["STOP"]);

        Assert.Equal(("answer ", true), filter.Push("answer STOP and more"));
        Assert.True(filter.Stopped);
        Assert.Equal("", filter.Flush());
    }
}
