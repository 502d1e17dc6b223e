using System.Text;
using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>
/// Real Fashion-MNIST written out in the other layouts reads back exactly: as Kaggle-style CSV (the same tensors, bit for
/// bit) and as PNG class folders (every image equal to its IDX original, byte for byte; on a subset, to stay fast).
/// </summary>
[Trait("Category", "Slow")]
public sealed class FashionMnistLayoutsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> Idx = new(() => IdxDatasetLoader.LoadFolder(DataLocator.DefaultDirectory));

    public void Dispose() => _folder.Dispose();

    private static void WriteCsv(string path, ImageDataset data, int count)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("label");
        for (int p = 1; p <= 784; p++) writer.Write($",pixel{p}");
        writer.Write('\n');
        ReadOnlySpan<float> images = data.Images.Span;
        for (int i = 0; i < count; i++)
        {
            writer.Write(data.Labels[i]);
            foreach (float v in images.Slice(i * 784, 784))
            {
                writer.Write(',');
                writer.Write((int)v);
            }
            writer.Write('\n');
        }
    }

    [Fact]
    public void KaggleCsv_GivesBitForBitTheIdxTensors()
    {
        var (train, test) = Idx.Value;
        const int trainRows = 10_000; // the whole test set, and as many training rows
        string trainCsv = _folder.File("fashion-mnist_train.csv"), testCsv = _folder.File("fashion-mnist_test.csv");
        WriteCsv(trainCsv, train, trainRows);
        WriteCsv(testCsv, test, test.Count);

        TrainTestSources data = DataSources.Open(trainCsv, testCsv);
        ImageDataset csvTrain = data.Train.ToDataset(), csvTest = data.Test.ToDataset();

        Assert.Equal(test.Images.Shape.ToArray(), csvTest.Images.Shape.ToArray());
        Assert.True(test.Images.Span.SequenceEqual(csvTest.Images.Span));
        Assert.Equal(test.Labels, csvTest.Labels);
        Assert.True(train.Images.Span[..(trainRows * 784)].SequenceEqual(csvTrain.Images.Span));
        Assert.Equal(train.Labels[..trainRows], csvTrain.Labels);
    }

    [Fact]
    public void PngClassFolders_DecodeToTheIdxImagesByteForByte()
    {
        var (train, test) = Idx.Value;
        const int count = 500;
        void Write(string split, ImageDataset set)
        {
            for (int i = 0; i < count; i++)
            {
                byte[] pixels = set.Images.Span.Slice(i * 784, 784).ToArray().Select(v => (byte)v).ToArray();
                ImageFiles.Png(_folder.File($"{split}/{set.ClassNames[set.Labels[i]].Replace('/', '-')}/{i:D5}.png"), pixels, 1, 28, 28);
            }
        }
        Write("train", train);
        Write("test", test);

        TrainTestSources data = DataSources.Open(_folder.Path);
        ImageDataset decoded = data.Train.ToDataset();

        Assert.Equal([1, 28, 28], data.Train.ImageShape);
        Assert.Equal(count, decoded.Count);
        for (int n = 0; n < count; n++)
        {
            int original = int.Parse(Path.GetFileNameWithoutExtension(data.Train.Describe(n)));
            Assert.True(train.Images.Span.Slice(original * 784, 784).SequenceEqual(decoded.Images.Span.Slice(n * 784, 784)), $"image {original}");
            Assert.Equal(train.ClassNames[train.Labels[original]].Replace('/', '-'), decoded.ClassNames[decoded.Labels[n]]);
        }
        Assert.Equal(count, data.Test.Count);
    }
}
