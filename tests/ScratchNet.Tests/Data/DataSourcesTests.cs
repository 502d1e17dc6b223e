using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary><see cref="DataSources.Open"/> on IDX folders (wrapped as sources) and its option checks.</summary>
public sealed class DataSourcesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Trait("Category", "Slow")]
    [Fact]
    public void IdxFolder_IsWrappedWithTheSameImagesAsTheLoader()
    {
        var (_, test) = IdxDatasetLoader.LoadFolder(DataLocator.DefaultDirectory);
        TrainTestSources data = DataSources.Open(DataLocator.DefaultDirectory);

        Assert.Equal(DataLayout.Idx, data.Description.Layout);
        Assert.Equal(IdxDatasetLoader.FashionMnistClassNames, data.Train.ClassNames);
        Assert.Equal((60000, 10000), (data.Train.Count, data.Test.Count));
        var image = new float[784];
        data.Test.Read(9999, image);
        Assert.Equal(test.Images.Span.Slice(9999 * 784, 784).ToArray(), image);
        Assert.Equal(Enumerable.Repeat(6000, 10), data.Description.TrainCounts);
        Assert.Contains("train-images-idx3-ubyte", data.Train.Describe(0));
        Assert.Contains(data.Description.ToLines(), l => l.Contains("1×28×28"));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void IdxFolder_CanBeReadAsColourAndResized()
    {
        TrainTestSources data = DataSources.Open(DataLocator.DefaultDirectory, options: new DataSourceOptions { Channels = 3, ImageSize = (14, 14) });
        Assert.Equal([3, 14, 14], data.Test.ImageShape);
        Assert.Equal([1, 28, 28], data.Description.StoredShape);
        var image = new float[3 * 196];
        data.Test.Read(0, image);
        Assert.Equal(image[..196], image[196..392]);
    }

    [Theory]
    [InlineData(0, 5, null, "--image-size 0,5")]
    [InlineData(5, 5, 2, "--channels 2")]
    public void BadOptions_AreRefusedNamingTheOption(int height, int width, int? channels, string expected)
    {
        var options = new DataSourceOptions { ImageSize = (height, width), Channels = channels };
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => DataSources.Open(_folder.Path, null, options)).Message);
        Assert.Contains("--test-fraction", Assert.Throws<ArgumentException>(() => DataSources.Open(_folder.Path, null, new DataSourceOptions { TestFraction = 1.5 })).Message);
    }

    [Fact]
    public void TestDataBesideABuiltInSplit_IsRefused()
    {
        Assert.Contains("drop --test-data", Assert.Throws<DataNotFoundException>(() => DataSources.Open(DataLocator.DefaultDirectory, _folder.Path)).Message);
    }
}
