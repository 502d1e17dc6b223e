using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary><see cref="StratifiedSplit"/>: shares per class, seeded, disjoint and complete.</summary>
public sealed class StratifiedSplitTests
{
    [Fact]
    public void EachClassKeepsItsShare_AndTheSplitIsSeeded()
    {
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 2)];
        var (train, test) = StratifiedSplit.Indices(labels, 0.2, seed: 3);

        Assert.Equal([10, 6, 1], Enumerable.Range(0, 3).Select(c => test.Count(i => labels[i] == c)));
        Assert.Equal(Enumerable.Range(0, labels.Length), train.Concat(test).Order());
        Assert.Equal(test, StratifiedSplit.Indices(labels, 0.2, seed: 3).Test);
        Assert.NotEqual(test, StratifiedSplit.Indices(labels, 0.2, seed: 4).Test);
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSplit.Indices(labels, 1.0, 1));
    }
}
