using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

public sealed class StandardizerTests
{
    [Fact]
    public void Fit_GivesMeanAndPopulationStd()
    {
        var standardizer = Standardizer.Fit(Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8], 2, 1, 2, 2));

        Assert.Equal(4.5f, standardizer.Mean, 1e-6f);
        Assert.Equal(MathF.Sqrt(5.25f), standardizer.Std, 1e-6f); // Population variance of 1..8 is 63/12.
    }

    [Fact]
    public void Apply_ToAnotherSet_UsesTheTrainingStatistics()
    {
        // Design defect #1 of the seed notebook: each set was standardised with its own statistics.
        var train = new ImageDataset(Tensor.FromArray([0, 2, 4, 6], 2, 1, 1, 2), [0, 1], ["a", "b"]);
        var test = new ImageDataset(Tensor.FromArray([10, 10, 20, 20], 2, 1, 1, 2), [1, 0], ["a", "b"]);
        var standardizer = Standardizer.Fit(train.Images); // Mean 3, std √5.

        var standardizedTest = standardizer.Apply(test);

        float std = MathF.Sqrt(5);
        Assert.Equal([7 / std, 7 / std, 17 / std, 17 / std], standardizedTest.Images.Span.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
        // With its own statistics the test set would have mean 0; with the training ones it does not.
        Assert.NotEqual(0f, standardizedTest.Images.Sum() / 4, 1e-3f);
        Assert.Equal([10f, 10f, 20f, 20f], test.Images.Span.ToArray()); // The input is not modified.
        Assert.Equal(test.Labels, standardizedTest.Labels);
    }
}
