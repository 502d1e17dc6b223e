using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>Loads the real Fashion-MNIST from where the Debian/Ubuntu package installs it. CI installs the package.</summary>
[Trait("Category", "Slow")]
public sealed class FashionMnistTests
{
    [Fact]
    public void LoadFolder_InstalledFashionMnist_Has60000And10000ImagesOf28By28In10Classes()
    {
        Assert.True(Directory.Exists(DataLocator.DefaultDirectory),
            $"Fashion-MNIST is not installed at {DataLocator.DefaultDirectory}; run 'sudo apt-get install dataset-fashion-mnist'.");

        var (train, test) = IdxDatasetLoader.LoadFolder(DataLocator.DefaultDirectory);

        Assert.Equal([60000, 1, 28, 28], train.Images.Shape.ToArray());
        Assert.Equal([10000, 1, 28, 28], test.Images.Shape.ToArray());
        Assert.Equal(IdxDatasetLoader.FashionMnistClassNames, train.ClassNames);
        // Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
        Assert.All(train.Labels.CountBy(l => l), pair => Assert.Equal(6000, pair.Value));
        Assert.All(test.Labels.CountBy(l => l), pair => Assert.Equal(1000, pair.Value));
        Assert.Equal(10, train.Labels.Distinct().Count());
        Assert.Equal(255f, train.Images.Span.ToArray().Max()); // Raw pixels, not standardised.
    }
}
