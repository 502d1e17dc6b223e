using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteThenRead_GivesBackDimensionsAndData(bool gzip)
    {
        int[] dims = [3, 5, 4];
        byte[] data = Enumerable.Range(0, 60).Select(i => (byte)(i * 4 + 3)).ToArray();
        string path = _temp.File("a.idx");

        IdxFile.Write(path, dims, data, gzip);
        var array = IdxFile.Read(path);

        Assert.Equal(dims, array.Dimensions);
        Assert.Equal(data, array.Data);
        // Gzip is detected by content: a compressed file starts with 0x1f 0x8b, a raw one with 0 0.
        byte[] start = File.ReadAllBytes(path)[..2];
        Assert.Equal(gzip ? new byte[] { 0x1f, 0x8b } : new byte[] { 0, 0 }, start);
    }

    [Fact]
    public void Read_LargeGzip_ReadsAll()
    {
        // 3 MiB of random bytes: more than one read from the inflating stream.
        int[] dims = [3, 1024, 1024];
        byte[] data = new byte[3 << 20];
        new Random(1).NextBytes(data);
        string path = _temp.File("big.gz");

        IdxFile.Write(path, dims, data, gzip: true);

        Assert.Equal(data, IdxFile.Read(path).Data);
    }

    [Fact]
    public void Read_MissingFile_NamesTheFile()
    {
        string path = _temp.File("nothing-here");

        var e = Assert.Throws<DataNotFoundException>(() => IdxFile.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Read_WrongMagic_Rejected()
    {
        string path = Write("html.idx", "<html>not data</html>"u8.ToArray());

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Read_FloatType_RejectedAsUnsupported()
    {
        string path = Write("float.idx", [.. IdxBytes.Header(0x0D, 2), 0, 0, 0, 0, 0, 0, 0, 0]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("0x0d", e.Message);
        Assert.Contains("only 0x08", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Read_RankOutsideOneToFour_Rejected(int rank)
    {
        string path = Write("rank.idx", IdxBytes.File(Enumerable.Repeat(1, rank).ToArray(), 1));

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains($"rank {rank}", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Read_DimensionBelowOne_Rejected(int badDimension)
    {
        string path = Write("zero.idx", IdxBytes.File([2, badDimension, 4], 8));

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("at least 1", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TruncatedData_Rejected(bool gzip)
    {
        string path = Write("short.idx", IdxBytes.File([2, 3, 4], 23), gzip);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("truncated", e.Message);
        Assert.Contains("24", e.Message);
    }

    [Fact]
    public void Read_HeaderCutShort_Rejected()
    {
        string path = Write("cut.idx", IdxBytes.Header(0x08, 2, 3, 4)[..9]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("ends inside the IDX header", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TrailingBytes_Rejected(bool gzip)
    {
        string path = Write("long.idx", IdxBytes.File([2, 3, 4], 25), gzip);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Contains("length does not match", e.Message);
        Assert.DoesNotContain("truncated", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TerabyteDeclaration_RejectedWithoutAllocating(bool gzip)
    {
        // 65536³ bytes = 256 TiB; the header alone, with a few data bytes.
        string path = Write("huge.idx", IdxBytes.File([65536, 65536, 65536], 16), gzip);
        Assert.Throws<DataFormatException>(() => IdxFile.Read(path)); // Warm up: JIT and first-use allocations.

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("281474976710656 bytes", e.Message);
        Assert.True(allocated < 1 << 20, $"Rejecting the file allocated {allocated} bytes.");
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(10)]
    [InlineData(60000)]
    public void Read_GzipBomb_InflatesNoMoreThanTheHeaderDeclares(int images)
    {
        // A header declaring `images` 28×28 images, then 1 GiB of zeros: a file of about 1 MB.
        string path = _temp.File($"bomb{images}.gz");
        IdxBytes.WriteGzipBomb(path, [images, 28, 28], zeros: 1L << 30);
        long declared = images * 28L * 28;

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("more bytes follow the header once decompressed", e.Message);
        // The declared data and the reader's own buffers: never the gigabyte.
        Assert.True(allocated < declared + (1 << 20), $"Refusing a bomb declaring {declared} bytes allocated {allocated} bytes.");
    }

    [Fact]
    public void Read_GzipDeclaringMoreThanItCouldInflateTo_RefusedBeforeAllocating()
    {
        // 60000×28×28 = 47 MB declared, but a gzip file of some hundred bytes inflates to 1032 times its size at most.
        string path = Write("short.gz", IdxBytes.File([60000, 28, 28], 100), gzip: true);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("inflates to at most", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 1 << 20, $"Refusing the file allocated {allocated} bytes.");
    }

    [Fact]
    public void Read_CorruptGzip_RejectedNamingTheFile()
    {
        // A valid 10-byte gzip header, then bytes that are not deflate data (block type 3 is invalid).
        byte[] content = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, .. Enumerable.Repeat((byte)0xff, 64)];
        string path = Write("corrupt.gz", content);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("gzip", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void Write_DataLengthNotMatchingDimensions_Throws()
    {
        Assert.Throws<ArgumentException>(() => IdxFile.Write(_temp.File("x"), [2, 3], new byte[5], gzip: false));
    }

    private string Write(string name, byte[] content, bool gzip = false)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, gzip ? IdxBytes.Gzip(content) : content);
        return path;
    }
}
