using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>CSV files (<c>label,pixel1,…,pixelN</c>) through <see cref="DataSources.Open"/>: shapes, header, and each malformed row.</summary>
public sealed class CsvImageSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Csv(string name, params string[] lines)
    {
        string path = _folder.File(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public void SquareGreyRows_WithOrWithoutHeader_LoadInOrder()
    {
        string train = Csv("train.csv", "label,pixel1,pixel2,pixel3,pixel4", "1,0,10,20,255", "0,5,6,7,8", "2,1,1,1,1");
        string test = Csv("test.csv", "2,9,9,9,9\r", "0,0,0,0,0\r"); // no header, Windows line ends

        TrainTestSources data = DataSources.Open(train, test);

        Assert.Equal(DataLayout.Csv, data.Description.Layout);
        Assert.Equal([1, 2, 2], data.Train.ImageShape);
        Assert.Equal(["0", "1", "2"], data.Train.ClassNames);
        Assert.Equal([1, 0, 2], data.Train.Labels);
        Assert.Equal([0f, 10f, 20f, 255f], data.Train.ReadImage(0));
        Assert.Equal([2, 0], data.Test.Labels);
        Assert.EndsWith("train.csv, line 3", data.Train.Describe(1));
    }

    [Fact]
    public void ColourRows_AreRedGreenBluePlanes()
    {
        // 3·2·2 = 12 values: R plane 1..4, G plane 11..14, B plane 21..24.
        string train = Csv("train.csv", "0,1,2,3,4,11,12,13,14,21,22,23,24");
        TrainTestSources data = DataSources.Open(train, options: new DataSourceOptions { TestFraction = 0.5 });

        Assert.Equal([3, 2, 2], data.Train.ImageShape);
        Assert.Equal([3, 2, 2], data.Description.StoredShape);
    }

    [Fact]
    public void ImageSize_GivesTheShapeOfNonSquareRowsOrResizes()
    {
        string train = Csv("train.csv", "0,1,2,3,4,5,6", "1,6,5,4,3,2,1");
        Assert.Contains("--image-size", Assert.Throws<DataFormatException>(() => DataSources.Open(train, train)).Message);

        TrainTestSources data = DataSources.Open(train, train, new DataSourceOptions { ImageSize = (2, 3) });
        Assert.Equal([1, 2, 3], data.Train.ImageShape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], data.Train.ReadImage(0));

        string square = Csv("square.csv", "0,0,4,8,12");
        TrainTestSources resized = DataSources.Open(square, square, new DataSourceOptions { ImageSize = (1, 1), Channels = 3 });
        Assert.Equal([3, 1, 1], resized.Train.ImageShape);
        Assert.Equal([6f, 6f, 6f], resized.Train.ReadImage(0));
    }

    [Theory]
    [InlineData("1,0,0,0", "line 3 has 3 pixel values but line 2, the first row, has 4")]
    [InlineData("1,0,0,0,0,0", "line 3 has 5 pixel values but line 2, the first row, has 4")]
    [InlineData("1,0,x,0,0", "line 3, column 3: 'x' is not a number")]
    [InlineData("1,0,0,256,0", "line 3, column 4: the pixel value 256 is outside 0–255")]
    [InlineData("1,0,0,-1,0", "the pixel value -1 is outside 0–255")]
    [InlineData("1,0,0,2.5,0", "the pixel value 2.5 is outside 0–255")]
    [InlineData("1.5,0,0,0,0", "line 3: the label '1.5' is not a class index")]
    [InlineData("-1,0,0,0,0", "line 3: the label '-1' is not a class index")]
    [InlineData("cat,0,0,0,0", "line 3: the label 'cat' is not a class index")]
    [InlineData("12345,0,0,0,0", "the label 12345 is out of range")]
    public void MalformedRow_IsRefusedWithItsLine(string badRow, string expected)
    {
        string train = Csv("train.csv", "label,a,b,c,d", "0,1,2,3,4", badRow);
        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(train, options: new DataSourceOptions { TestFraction = 0.5 }));
        Assert.Contains(expected, error.Message);
        Assert.Equal(train, error.FilePath);
    }

    [Fact]
    public void TestLabelOutsideTheTrainingClasses_IsRefused()
    {
        string train = Csv("train.csv", "0,1,2,3,4", "1,1,2,3,4");
        string test = Csv("test.csv", "2,1,2,3,4");
        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(train, test));
        Assert.Contains("the label 2 is out of range: the training data has 2 classes, 0 to 1", error.Message);
        string shorter = Csv("short.csv", "1,1,2,3");
        Assert.Contains("but the training file has 4", Assert.Throws<DataFormatException>(() => DataSources.Open(train, shorter)).Message);
    }

    [Fact]
    public void NoTestSet_AndEmptyFile_AreRefused()
    {
        string train = Csv("train.csv", "0,1,2,3,4");
        Assert.Contains("--test-data", Assert.Throws<DataNotFoundException>(() => DataSources.Open(train)).Message);
        string empty = Csv("empty.csv", "label,a,b,c,d");
        Assert.Contains("no rows of data", Assert.Throws<DataFormatException>(() => DataSources.Open(empty, train)).Message);
        string pipe = _folder.File("pipe.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe)) mkfifo.WaitForExit();
        Assert.Contains("not a regular file (a pipe or device)", Assert.Throws<DataFormatException>(() => DataSources.Open(pipe, train)).Message);
    }

    [Fact]
    public void FolderWithTrainAndTestCsv_IsRecognised()
    {
        Csv("train.csv", "0,1,2,3,4", "1,4,3,2,1");
        Csv("test.csv", "1,0,0,0,0");
        TrainTestSources data = DataSources.Open(_folder.Path);
        Assert.Equal((2, 1), (data.Train.Count, data.Test.Count));
    }
}
