using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

public sealed class IdxDatasetLoaderTests : IDisposable
{
    private const int Height = 5, Width = 4;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void LoadFolder_SmallFiles_GivesShapesPixelsAndLabels()
    {
        string folder = _temp.Folder("digits");
        byte[] trainPixels = Pixels(7, seed: 1), testPixels = Pixels(3, seed: 2);
        byte[] trainLabels = [0, 1, 2, 3, 4, 5, 6], testLabels = [2, 0, 1];
        // Mixed plain and gzipped files, as a user might have them.
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte.gz"), [7, Height, Width], trainPixels, gzip: true);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte"), [7], trainLabels, gzip: false);
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), [3, Height, Width], testPixels, gzip: false);
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), [3], testLabels, gzip: true);

        var (train, test) = IdxDatasetLoader.LoadFolder(folder);

        Assert.Equal([7, 1, Height, Width], train.Images.Shape.ToArray());
        Assert.Equal([3, 1, Height, Width], test.Images.Shape.ToArray());
        Assert.Equal(trainPixels.Select(b => (float)b), train.Images.Span.ToArray());
        Assert.Equal(testPixels.Select(b => (float)b), test.Images.Span.ToArray());
        Assert.Equal(trainLabels.Select(b => (int)b), train.Labels);
        Assert.Equal(testLabels.Select(b => (int)b), test.Labels);
        // Not a "fashion" folder: names are the label numbers up to the largest label in either set.
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6"], train.ClassNames);
        Assert.Same(train.ClassNames, test.ClassNames);
    }

    [Fact]
    public void LoadFolder_FashionFolder_UsesFashionMnistNames()
    {
        string folder = _temp.Folder("My-Fashion-MNIST");
        WriteFolder(folder, trainCount: 4, testCount: 2);

        var (train, _) = IdxDatasetLoader.LoadFolder(folder);

        Assert.Equal(10, train.ClassCount);
        Assert.Equal("Ankle boot", train.ClassNames[9]);
    }

    [Fact]
    public void LoadFolder_GivenClassNamesTooFew_RejectsLabel()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 4, testCount: 2); // Labels 0..3.

        var e = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.LoadFolder(folder, ["a", "b", "c"]));

        Assert.EndsWith("train-labels-idx1-ubyte", e.FilePath);
        Assert.Contains("label 3", e.Message);
    }

    [Fact]
    public void LoadFolder_ImageAndLabelCountsDiffer_NamesBothFilesAndCounts()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 7, testCount: 3);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte"), [6], new byte[6], gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.LoadFolder(folder));

        Assert.Contains(Path.Combine(folder, "train-labels-idx1-ubyte"), e.Message);
        Assert.Contains(Path.Combine(folder, "train-images-idx3-ubyte"), e.Message);
        Assert.Contains("6 labels", e.Message);
        Assert.Contains("7 images", e.Message);
    }

    [Fact]
    public void LoadFolder_TrainAndTestSizesDiffer_Rejected()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 2, testCount: 2);
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), [2, Width, Height], new byte[40], gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.LoadFolder(folder));

        Assert.Contains("same image size", e.Message);
    }

    [Fact]
    public void LoadFolder_MissingFiles_ListsTheirExactNames()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 2, testCount: 2);
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte"));
        File.Delete(Path.Combine(folder, "train-labels-idx1-ubyte"));

        var e = Assert.Throws<DataNotFoundException>(() => IdxDatasetLoader.LoadFolder(folder));

        Assert.Contains("lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte ", e.Message);
        Assert.Contains(".gz", e.Message);
    }

    [Fact]
    public void LoadFolder_LabelFileWithImageRank_Rejected()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 2, testCount: 2);
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), [2, 1], new byte[2], gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.LoadFolder(folder));

        Assert.EndsWith("t10k-labels-idx1-ubyte", e.FilePath);
        Assert.Contains("rank 1", e.Message);
    }

    [Theory]
    [InlineData("digits")]
    [InlineData("fashion-mnist")]
    public void LoadTest_GivesTheTestSetOfLoadFolder_WithTheSameClassNames(string name)
    {
        string folder = _temp.Folder(name);
        WriteFolder(folder, trainCount: 4, testCount: 4);

        ImageDataset test = IdxDatasetLoader.LoadTest(folder);
        var (_, expected) = IdxDatasetLoader.LoadFolder(folder);

        Assert.Equal(expected.Images.Shape.ToArray(), test.Images.Shape.ToArray());
        Assert.Equal(expected.Images.Span.ToArray(), test.Images.Span.ToArray());
        Assert.Equal(expected.Labels, test.Labels);
        Assert.Equal(expected.ClassNames, test.ClassNames);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void LoadTest_TrainingFilesAreGzipBombs_NeverOpensThem()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 4, testCount: 3);
        File.Delete(Path.Combine(folder, "train-images-idx3-ubyte"));
        // Declares 4 images and holds a gigabyte of zeros after them: reading it at all would be refused.
        IdxBytes.WriteGzipBomb(Path.Combine(folder, "train-images-idx3-ubyte.gz"), [4, Height, Width], zeros: 1L << 30);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ImageDataset test = IdxDatasetLoader.LoadTest(folder);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(3, test.Count);
        Assert.True(allocated < 1 << 20, $"Loading a 3-image test set allocated {allocated} bytes.");
        Assert.Throws<DataFormatException>(() => IdxDatasetLoader.LoadFolder(folder));
    }

    [Fact]
    public void LoadTest_MissingTestLabels_NamesOnlyThatFile()
    {
        string folder = _temp.Folder("data");
        WriteFolder(folder, trainCount: 4, testCount: 3);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        File.Delete(Path.Combine(folder, "train-labels-idx1-ubyte"));

        var e = Assert.Throws<DataNotFoundException>(() => IdxDatasetLoader.LoadTest(folder));

        Assert.Contains("lacks t10k-labels-idx1-ubyte (", e.Message);
        Assert.DoesNotContain("train-labels", e.Message);
    }

    /// <summary>Writes the four raw files, labels 0, 1, 2, … in each set.</summary>
    internal static void WriteFolder(string folder, int trainCount, int testCount)
    {
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte"), [trainCount, Height, Width], Pixels(trainCount, 1), gzip: false);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte"), [trainCount], Labels(trainCount), gzip: false);
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), [testCount, Height, Width], Pixels(testCount, 2), gzip: false);
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), [testCount], Labels(testCount), gzip: false);
    }

    private static byte[] Pixels(int count, int seed)
    {
        var pixels = new byte[count * Height * Width];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    private static byte[] Labels(int count) => Enumerable.Range(0, count).Select(i => (byte)i).ToArray();
}
