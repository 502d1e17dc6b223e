using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>Image folders through <see cref="DataSources.Open"/>: layouts, class names, counts, conversions and every refusal.</summary>
public sealed class ImageFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // A grey 4×5 PNG whose pixels all equal value.
    private string Grey(string relative, byte value, int height = 4, int width = 5) =>
        ImageFiles.Png(_folder.File(relative), Enumerable.Repeat(value, height * width).ToArray(), 1, height, width);

    [Fact]
    public void TrainAndTestFolders_GiveSortedClassesLabelsAndCounts()
    {
        Grey("train/b-shoe/1.png", 10);
        Grey("train/b-shoe/2.png", 20);
        Grey("train/a-bag/x.png", 30);
        Grey("train/B-upper/nested/deep/y.png", 40); // any depth inside a class folder
        Grey("test/a-bag/1.png", 50);
        Grey("test/b-shoe/1.png", 60);
        Grey("test/B-upper/1.png", 70);

        TrainTestSources data = DataSources.Open(_folder.Path);

        Assert.Equal(["B-upper", "a-bag", "b-shoe"], data.Train.ClassNames); // ordinal: capitals first
        Assert.Equal([0, 1, 2, 2], data.Train.Labels);
        Assert.Equal([1, 4, 5], data.Train.ImageShape);
        Assert.Equal(Enumerable.Repeat(20f, 20), data.Train.ReadImage(3));
        Assert.EndsWith("2.png", data.Train.Describe(3));
        Assert.Equal(DataLayout.ImageFolder, data.Description.Layout);
        Assert.Equal([1, 1, 2], data.Description.TrainCounts);
        Assert.Equal([1, 1, 1], data.Description.TestCounts);
        Assert.Contains(data.Description.ToLines(), l => l.Contains("b-shoe: 2 / 1"));
    }

    [Theory]
    [InlineData("val")]
    [InlineData("validation")]
    public void ValidationFolder_IsTheTestSplit(string name)
    {
        Grey("train/cat/1.png", 1);
        Grey($"{name}/cat/1.png", 2);
        TrainTestSources data = DataSources.Open(_folder.Path);
        Assert.Equal(1, data.Test.Count);
        Assert.Equal(2f, data.Test.ReadImage(0)[0]);
    }

    [Fact]
    public void HiddenAndNonImageFiles_AreIgnoredAndCounted()
    {
        Grey("train/cat/1.png", 1);
        Grey("train/cat/.hidden.png", 1);
        File.WriteAllText(_folder.File("train/cat/notes.txt"), "notes");
        File.WriteAllText(_folder.File("train/readme.md"), "stray file beside the class folders");
        Grey("train/.cache/1.png", 1); // a hidden folder is not a class
        Grey("test/cat/1.png", 1);

        TrainTestSources data = DataSources.Open(_folder.Path);

        Assert.Equal(["cat"], data.Train.ClassNames);
        Assert.Equal(1, data.Train.Count);
        Assert.Equal(4, data.Description.IgnoredFiles);
        Assert.Contains(data.Description.ToLines(), l => l.Contains("ignored: 4"));
    }

    [Fact]
    public void ClassFoldersOnly_NeedATestFractionAndAreSplitStratified()
    {
        for (int i = 0; i < 10; i++) Grey($"cat/{i}.png", (byte)i);
        for (int i = 0; i < 20; i++) Grey($"dog/{i}.png", (byte)(100 + i));

        var missing = Assert.Throws<DataNotFoundException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("--test-fraction", missing.Message);

        TrainTestSources data = DataSources.Open(_folder.Path, options: new DataSourceOptions { TestFraction = 0.2, Seed = 7 });
        Assert.Equal([8, 16], data.Description.TrainCounts);
        Assert.Equal([2, 4], data.Description.TestCounts);
        TrainTestSources again = DataSources.Open(_folder.Path, options: new DataSourceOptions { TestFraction = 0.2, Seed = 7 });
        Assert.Equal(Enumerable.Range(0, 6).Select(again.Test.Describe), Enumerable.Range(0, 6).Select(data.Test.Describe));
    }

    [Fact]
    public void DifferentClassSets_AreRefusedWithTheDifference()
    {
        Grey("train/cat/1.png", 1);
        Grey("train/dog/1.png", 1);
        Grey("test/cat/1.png", 1);
        Grey("test/cow/1.png", 1);

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("only in training: 'dog'; only in test: 'cow'", error.Message);
    }

    [Fact]
    public void EmptyClassFolder_IsRefused()
    {
        Grey("train/cat/1.png", 1);
        Directory.CreateDirectory(_folder.File("train/dog"));
        File.WriteAllText(_folder.File("train/dog/list.txt"), "no images here");
        Grey("test/cat/1.png", 1);

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("class folder 'dog' holds no PNG, JPEG or BMP files (1 other files ignored)", error.Message);
    }

    [Fact]
    public void SymbolicLinkLoop_IsAnErrorNotAHang()
    {
        Grey("train/cat/1.png", 1);
        Grey("test/cat/1.png", 1);
        Directory.CreateSymbolicLink(_folder.File("train/cat/again"), _folder.File("train"));

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("symbolic link loop", error.Message);
    }

    [Fact]
    public void LinkedFolders_AreFollowed()
    {
        Grey("elsewhere/1.png", 9);
        Grey("train/cat/1.png", 1);
        Grey("test/cat/1.png", 1);
        Directory.CreateSymbolicLink(_folder.File("train/cat/more"), _folder.File("elsewhere"));

        Assert.Equal(2, DataSources.Open(_folder.Path).Train.Count);
    }

    [Fact]
    public void MixedSizes_AreRefusedNamingTwoFilesUnlessResized()
    {
        Grey("train/cat/1.png", 1);
        Grey("train/cat/2.png", 1, height: 8, width: 10);
        Grey("test/cat/1.png", 1);

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("1.png' is 5×4", error.Message);
        Assert.Contains("2.png' is 10×8", error.Message);
        Assert.Contains("--image-size", error.Message);

        TrainTestSources data = DataSources.Open(_folder.Path, options: new DataSourceOptions { ImageSize = (2, 3) });
        Assert.Equal([1, 2, 3], data.Train.ImageShape);
        Assert.Null(data.Description.StoredShape);
        Assert.Equal(Enumerable.Repeat(1f, 6), data.Train.ReadImage(1));
    }

    [Fact]
    public void Colour_IsTheDefaultWhenAnyImageHasItAndChannelsCanBeForced()
    {
        byte[] rgb = [.. Enumerable.Repeat((byte)200, 20), .. Enumerable.Repeat((byte)100, 20), .. Enumerable.Repeat((byte)0, 20)];
        ImageFiles.Png(_folder.File("train/red/1.png"), rgb, 3, 4, 5);
        Grey("train/grey/1.png", 50);
        Grey("test/red/1.png", 1);
        Grey("test/grey/1.png", 1);

        TrainTestSources colour = DataSources.Open(_folder.Path);
        Assert.Equal([3, 4, 5], colour.Train.ImageShape);
        float[] red = colour.Train.ReadImage(1);
        Assert.Equal((200f, 100f, 0f), (red[0], red[20], red[40])); // R, G, B planes in that order
        Assert.Equal((50f, 50f, 50f), (colour.Train.ReadImage(0)[0], colour.Train.ReadImage(0)[20], colour.Train.ReadImage(0)[40]));

        TrainTestSources grey = DataSources.Open(_folder.Path, options: new DataSourceOptions { Channels = 1 });
        Assert.Equal([1, 4, 5], grey.Train.ImageShape);
        Assert.Equal((float)(0.299 * 200 + 0.587 * 100), grey.Train.ReadImage(1)[0]);
    }

    [Fact]
    public void BadImage_StopsWithItsNameOrIsSkippedAndListed()
    {
        Grey("train/cat/1.png", 1);
        Grey("train/cat/2.png", 2);
        File.WriteAllText(_folder.File("train/cat/broken.png"), "this is text, not a PNG");
        Grey("test/cat/1.png", 1);

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("broken.png", error.Message);
        Assert.Contains("--skip-bad-images", error.Message);

        TrainTestSources data = DataSources.Open(_folder.Path, options: new DataSourceOptions { SkipBadImages = true });
        Assert.Equal(2, data.Train.Count);
        string skipped = Assert.Single(data.Description.SkippedFiles);
        Assert.Contains("broken.png: it is not a PNG, JPEG or BMP image", skipped);
    }

    [Fact]
    public void PipeNamedLikeAnImage_IsRefusedWithoutWaitingForAWriter()
    {
        Grey("train/cat/1.png", 1);
        Grey("test/cat/1.png", 1);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", _folder.File("train/cat/pipe.png"))) mkfifo.WaitForExit();

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("pipe.png", error.Message);
        Assert.Contains("not a regular file (a pipe or device)", error.Message);
        Assert.Single(DataSources.Open(_folder.Path, options: new DataSourceOptions { SkipBadImages = true }).Description.SkippedFiles);
    }

    [Fact]
    public void ImageCorruptAfterItsHeader_FailsOnReadNamingTheFile()
    {
        string good = Grey("train/cat/1.png", 1);
        byte[] bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(_folder.File("train/cat/2.png"), bytes[..40]); // header intact, image data cut
        Grey("test/cat/1.png", 1);

        TrainTestSources data = DataSources.Open(_folder.Path);
        var error = Assert.Throws<DataFormatException>(() => data.Train.ToDataset());
        Assert.Contains("2.png", error.Message);

        var skipped = new List<string>();
        ImageDataset loaded = data.Train.ToDataset(skipped: skipped);
        Assert.Equal(1, loaded.Count);
        Assert.Contains("2.png", Assert.Single(skipped));
    }

    [Fact]
    public void ClassFolderNamedWithALineBreak_IsRefusedBeforeTraining()
    {
        Grey("train/ok/1.png", 1);
        Grey("train/bad\nname/1.png", 1);
        Grey("test/ok/1.png", 1);

        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("\"bad\\nname\" has a control character or line break", error.Message);
    }

    [Fact]
    public void MissingPath_AndFolderWithoutClasses_AreNotFound()
    {
        Assert.Throws<DataNotFoundException>(() => DataSources.Open(_folder.File("nothing-here")));
        Assert.Contains("no class folders", Assert.Throws<DataNotFoundException>(() => DataSources.Open(_folder.Path)).Message);
    }
}
