using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary>CIFAR-10 binary batches generated here: recognised by their files, labels, names, and channel order.</summary>
public sealed class CifarImageSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Record r: label r % classes, red plane r, green plane 100 + r, blue plane 200 + pixel index % 50.
    private void Batch(string name, int records, int classes = 10)
    {
        var bytes = new byte[records * CifarImageSource.RecordLength];
        for (int r = 0; r < records; r++)
        {
            Span<byte> record = bytes.AsSpan(r * CifarImageSource.RecordLength, CifarImageSource.RecordLength);
            record[0] = (byte)(r % classes);
            record.Slice(1, 1024).Fill((byte)r);
            record.Slice(1025, 1024).Fill((byte)(100 + r));
            for (int p = 0; p < 1024; p++) record[2049 + p] = (byte)(200 + p % 50);
        }
        File.WriteAllBytes(_folder.File(name), bytes);
    }

    [Fact]
    public void Batches_LoadWithTheirLabelsNamesAndPlanes()
    {
        Batch("data_batch_1.bin", 3);
        Batch("data_batch_2.bin", 2);
        Batch("test_batch.bin", 4);
        File.WriteAllText(_folder.File("batches.meta.txt"), string.Join("\n", Enumerable.Range(0, 10).Select(i => $"class{i}")) + "\n\n");

        TrainTestSources data = DataSources.Open(_folder.Path);

        Assert.Equal(DataLayout.Cifar10, data.Description.Layout);
        Assert.Equal([3, 32, 32], data.Train.ImageShape);
        Assert.Equal(10, data.Train.ClassNames.Count);
        Assert.Equal("class3", data.Train.ClassNames[3]);
        Assert.Equal([0, 1, 2, 0, 1], data.Train.Labels);
        Assert.EndsWith("data_batch_2.bin, record 1", data.Train.Describe(4));
        ImageDataset train = data.Train.ToDataset();
        ReadOnlySpan<float> fifth = train.Images.Span.Slice(4 * 3072, 3072);
        Assert.Equal((1f, 101f, 200f, 249f), (fifth[0], fifth[1024], fifth[2048], fifth[2048 + 49]));
        Assert.Equal(4, data.Test.Count);
    }

    [Fact]
    public void ForcedGreyAndSize_AreAppliedOnRead()
    {
        Batch("data_batch_1.bin", 1);
        Batch("test_batch.bin", 1);
        TrainTestSources data = DataSources.Open(_folder.Path, options: new DataSourceOptions { Channels = 1, ImageSize = (16, 16) });
        Assert.Equal([1, 16, 16], data.Train.ImageShape);
        Assert.Equal(CifarImageSource.Cifar10ClassNames, data.Train.ClassNames); // no batches.meta.txt
        var image = new float[256];
        data.Train.Read(0, image);
        // Luma first, then the 2×2 block of pixels 0, 1, 32 and 33, whose blue values are 200, 201, 232 and 233.
        Assert.Equal((float)(0.587 * 100 + 0.114 * 216.5), image[0], 3);
    }

    [Fact]
    public void TruncatedBatch_AndMissingTestBatch_AreRefused()
    {
        Batch("data_batch_1.bin", 2);
        Assert.Contains("test_batch.bin", Assert.Throws<DataNotFoundException>(() => DataSources.Open(_folder.Path)).Message);
        byte[] two = File.ReadAllBytes(_folder.File("data_batch_1.bin"));
        File.WriteAllBytes(_folder.File("test_batch.bin"), two[..^100]);
        var error = Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path));
        Assert.Contains("test_batch.bin", error.Message);
        Assert.Contains("not a whole number of CIFAR-10 records of 3073 bytes", error.Message);
    }

    [Fact]
    public void LabelBeyondTheClassNames_IsRefused()
    {
        Batch("data_batch_1.bin", 5);
        Batch("test_batch.bin", 1);
        File.WriteAllText(_folder.File("batches.meta.txt"), "a\nb\nc\n");
        Assert.Contains("record 3 has label 3, but there are 3 classes", Assert.Throws<DataFormatException>(() => DataSources.Open(_folder.Path)).Message);
    }
}
