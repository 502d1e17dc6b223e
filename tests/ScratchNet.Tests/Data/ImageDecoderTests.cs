using ScratchNet.Data;

namespace ScratchNet.Tests.Data;

/// <summary><see cref="ImageDecoder"/>: exact pixels, channel order and conversions, and refusals decided from the first bytes.</summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void GreyPng_DecodesToTheExactPixelsAndItsHeaderSaysGrey()
    {
        byte[] pixels = ImageFiles.Random(1, 5 * 7);
        string path = ImageFiles.Png(_folder.File("grey.png"), pixels, 1, 5, 7);

        Assert.Equal(new ImageHeader(ImageFormat.Png, 7, 5, false), ImageDecoder.ReadHeader(path));
        DecodedImage image = ImageDecoder.Decode(path);
        Assert.Equal((1, 5, 7), (image.Channels, image.Height, image.Width));
        Assert.Equal(pixels.Select(b => (float)b), image.Pixels);
        // Grey to colour repeats the plane three times.
        Assert.Equal([.. image.Pixels, .. image.Pixels, .. image.Pixels], ImageDecoder.Decode(path, 3).Pixels);
    }

    [Fact]
    public void RgbPngAndBmp_DecodeToRedGreenBluePlanes()
    {
        byte[] chw = ImageFiles.Random(2, 3 * 4 * 6);
        string png = ImageFiles.Png(_folder.File("colour.png"), chw, 3, 4, 6);
        string bmp = ImageFiles.Bmp(_folder.File("colour.bmp"), chw, 4, 6);

        Assert.True(ImageDecoder.ReadHeader(png).IsColour);
        Assert.Equal(new ImageHeader(ImageFormat.Bmp, 6, 4, true), ImageDecoder.ReadHeader(bmp));
        Assert.Equal(chw.Select(b => (float)b), ImageDecoder.Decode(png).Pixels);
        Assert.Equal(chw.Select(b => (float)b), ImageDecoder.Decode(bmp).Pixels);
    }

    [Fact]
    public void ColourToGrey_IsTheBt601LumaAndAlphaCompositesOntoBlack()
    {
        // One pixel of each: pure red, green, blue; then a half-transparent white.
        byte[] rgba = [255, 0, 0, 255, /* G */ 0, 255, 0, 255, /* B */ 0, 0, 255, 255, /* A */ 255, 255, 255, 51];
        string path = ImageFiles.Png(_folder.File("rgba.png"), rgba, 4, 1, 4);

        float[] grey = ImageDecoder.Decode(path, 1).Pixels;
        Assert.Equal((float)(0.299 * 255), grey[0]);
        Assert.Equal((float)(0.587 * 255), grey[1]);
        Assert.Equal((float)(0.114 * 255), grey[2]);
        Assert.Equal(51f, grey[3], 3);
        float[] colour = ImageDecoder.Decode(path, 3).Pixels;
        Assert.Equal([255f, 0f, 0f, 51f], colour[..4]); // the red plane
    }

    [Fact]
    public void Jpeg_DecodesCloseToItsPixels()
    {
        var smooth = new byte[16 * 16];
        for (int i = 0; i < smooth.Length; i++) smooth[i] = (byte)(i % 16 * 8 + i / 16 * 4);
        string path = ImageFiles.Jpeg(_folder.File("smooth.jpg"), smooth, 1, 16, 16);

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 16, 16, false), ImageDecoder.ReadHeader(path));
        float[] decoded = ImageDecoder.Decode(path).Pixels;
        Assert.All(Enumerable.Range(0, smooth.Length), i => Assert.InRange(decoded[i], smooth[i] - 12, smooth[i] + 12));
    }

    [Fact]
    public void BadFiles_AreRefusedWithTheFileNamed()
    {
        string empty = _folder.File("empty.png");
        File.WriteAllBytes(empty, []);
        string text = _folder.File("text.png");
        File.WriteAllText(text, "not an image at all");
        byte[] png = File.ReadAllBytes(ImageFiles.Png(_folder.File("good.png"), ImageFiles.Random(3, 28 * 28), 1, 28, 28));
        string truncated = _folder.File("truncated.png");
        File.WriteAllBytes(truncated, png[..(png.Length / 2)]);
        string headerOnly = _folder.File("header.png");
        File.WriteAllBytes(headerOnly, png[..20]);

        Assert.Contains("empty (0 bytes)", Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(empty)).Message);
        Assert.Contains("not a PNG, JPEG or BMP image", Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(text)).Message);
        var cut = Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(truncated));
        Assert.Equal(truncated, cut.FilePath);
        Assert.Contains("damaged or truncated", cut.Message);
        Assert.Contains("before its IHDR header", Assert.Throws<DataFormatException>(() => ImageDecoder.ReadHeader(headerOnly)).Message);
        Assert.Throws<DataNotFoundException>(() => ImageDecoder.Decode(_folder.File("missing.png")));
    }

    [Fact]
    public void HugeDeclaredSize_IsRefusedFromTheHeader()
    {
        // A PNG signature and IHDR declaring 20000×20000 (400 megapixels), then nothing: only the header is there to read.
        byte[] header = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
                         0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 0, 0, 0, 0, 0, 0, 0, 0];
        string path = _folder.File("huge.png");
        File.WriteAllBytes(path, header);

        var error = Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(path));
        Assert.Contains("20000×20000", error.Message);
        Assert.Contains("100 megapixels", error.Message);
    }

    [Fact]
    public void HugeFile_IsRefusedWithoutBeingRead()
    {
        // 1.5 GB, sparse: a non-image named .png, and a real 28×28 PNG header followed by 1.5 GB.
        string garbage = _folder.File("big.png"), padded = _folder.File("padded.png");
        using (var stream = File.Create(garbage)) stream.SetLength(1_500_000_000);
        byte[] png = File.ReadAllBytes(ImageFiles.Png(_folder.File("small.png"), ImageFiles.Random(4, 28 * 28), 1, 28, 28));
        using (var stream = File.Create(padded))
        {
            stream.Write(png);
            stream.SetLength(1_500_000_000);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Contains("not a PNG, JPEG or BMP image", Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(garbage)).Message);
        Assert.Contains("far more than an image of 28×28 pixels needs", Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(padded)).Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}: was the file read?");
    }

    [Fact]
    public void Jpeg_WithALongSegmentBeforeTheFrame_IsFoundByWalkingTheMarkers()
    {
        byte[] jpeg = File.ReadAllBytes(ImageFiles.Jpeg(_folder.File("plain.jpg"), ImageFiles.Random(5, 8 * 8), 1, 8, 8));
        // An APP15 segment of 60000 bytes right after SOI pushes the frame header past the first block read.
        var padded = new List<byte>(jpeg[..2]) { 0xFF, 0xEF, 0xEA, 0x60 };
        padded.AddRange(new byte[60000 - 2]);
        padded.AddRange(jpeg[2..]);
        padded.AddRange(new byte[70000]); // over the whole-file read threshold
        string path = _folder.File("padded.jpg");
        File.WriteAllBytes(path, padded.ToArray());

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 8, 8, false), ImageDecoder.ReadHeader(path));
        Assert.Equal(64, ImageDecoder.Decode(path).Pixels.Length);
    }
}
