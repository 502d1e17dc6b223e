using System.Text.Json;
using ScratchNet.Cli;
using ScratchNet.Serialization;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;
using static ScratchNet.Tests.Cli.CommandLineTests;

namespace ScratchNet.Tests.Cli;

/// <summary><c>scratchnet predict</c> on real test images exported to PNG and JPEG, and its refusals.</summary>
public sealed class PredictCommandTests
{
    // The model's own prediction on the raw pixels, standardised in process.
    private static double[] InProcess(NeuralNetwork network, byte[] pixels)
    {
        float[] values = pixels.Select(b => (float)b).ToArray();
        network.Normalization!.ApplyInPlace(values, 28 * 28);
        Tensor logits = network.Predict(new Tensor(values, 1, 1, 28, 28));
        return PredictCommand.Softmax(logits.Span);
    }

    private static JsonElement[] Predictions(string output, int image = 0) =>
        JsonDocument.Parse(output).RootElement[image].GetProperty("predictions").EnumerateArray().ToArray();

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    public void Predict_RealTestImageAsPng_GivesTheModelsOwnClassAndProbabilities(int index)
    {
        byte[] pixels = TestPixels(index);
        string png = WritePng(pixels, 28, 28, ColorComponents.Grey);
        NeuralNetwork network = NeuralNetwork.Load(TrainedModelPath);
        double[] expected = InProcess(network, pixels);

        var result = Run("predict", "--model-file", TrainedModelPath, "--json", "--top", "10", png);

        AssertSuccess(result);
        JsonElement[] predictions = Predictions(result.Output);
        Assert.Equal(10, predictions.Length);
        int best = Evaluation.ArgMax(expected.Select(p => (float)p).ToArray());
        Assert.Equal(best, predictions[0].GetProperty("index").GetInt32());
        Assert.Equal(network.ClassNames![best], predictions[0].GetProperty("class").GetString());
        foreach (JsonElement p in predictions)
            Assert.Equal(expected[p.GetProperty("index").GetInt32()], p.GetProperty("probability").GetDouble(), 12);
        Assert.Equal(1.0, predictions.Sum(p => p.GetProperty("probability").GetDouble()), 9);
    }

    [Fact]
    public void Predict_LargerRgbaPng_IsConvertedAndResizedToTheSameInput()
    {
        // Each pixel repeated 2×2 in R, G, B with opaque alpha: grey and box-averaged back, it is the 28×28 image exactly.
        byte[] pixels = TestPixels(5);
        var rgba = new byte[56 * 56 * 4];
        for (int y = 0; y < 56; y++)
            for (int x = 0; x < 56; x++)
            {
                byte v = pixels[(y / 2) * 28 + x / 2];
                rgba.AsSpan((y * 56 + x) * 4, 4).Fill(v);
                rgba[(y * 56 + x) * 4 + 3] = 255;
            }
        string small = WritePng(pixels, 28, 28, ColorComponents.Grey), large = WritePng(rgba, 56, 56, ColorComponents.RedGreenBlueAlpha);

        var result = Run("predict", "--model-file", TrainedModelPath, "--json", small, large);

        AssertSuccess(result);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(small, json.RootElement[0].GetProperty("file").GetString());
        Assert.Equal(Predictions(result.Output, 0).Select(p => p.ToString()), Predictions(result.Output, 1).Select(p => p.ToString()));
        Assert.Equal(3, Predictions(result.Output).Length); // --top defaults to 3
    }

    [Fact]
    public void Predict_Jpeg_PrintsATableOfTopClasses()
    {
        byte[] pixels = TestPixels(2);
        string jpeg = WriteJpeg(pixels, 28, 28, ColorComponents.Grey);

        var result = Run("predict", "--model-file", TrainedModelPath, "--top", "2", jpeg);

        AssertSuccess(result);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(jpeg, lines[0]);
        Assert.Contains("probability", lines[1]);
        Assert.Equal(4, lines.Length); // file, header, two classes
        Assert.Contains(NeuralNetwork.Load(TrainedModelPath).ClassNames!, name => lines[2].Contains(name));
    }

    [Fact]
    public void Predict_Invert_ChangesTheInput()
    {
        string png = WritePng(TestPixels(0), 28, 28, ColorComponents.Grey);
        var plain = Run("predict", "--model-file", TrainedModelPath, "--json", png);
        var inverted = Run("predict", "--model-file", TrainedModelPath, "--json", "--invert", png);
        AssertSuccess(plain);
        AssertSuccess(inverted);
        Assert.NotEqual(plain.Output, inverted.Output);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Predict_BadFiles_AreRefusedWithOneLine()
    {
        string empty = NewPath(".png");
        File.WriteAllBytes(empty, []);
        string garbage = NewPath(".png");
        File.WriteAllText(garbage, "definitely not an image, just some text");
        string truncated = NewPath(".png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(WritePng(TestPixels(0), 28, 28, ColorComponents.Grey))[..40]);
        string badJpeg = NewPath(".jpg");
        File.WriteAllBytes(badJpeg, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8]);
        string truncatedJpeg = NewPath(".jpg");
        byte[] jpeg = File.ReadAllBytes(WriteJpeg(TestPixels(0), 28, 28, ColorComponents.Grey));
        File.WriteAllBytes(truncatedJpeg, jpeg[..24]); // cut before the frame header

        AssertOneError(Run("predict", "--model-file", TrainedModelPath, "/no/such/image.png"), 2, "does not exist");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, empty), 2, "empty (0 bytes)");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, garbage), 2, "not a PNG, JPEG or BMP image");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, truncated), 2, "damaged or truncated");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, badJpeg), 2, "cut short or damaged before its frame header");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, truncatedJpeg), 2, "cut short or damaged before its frame header");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, "/dev/zero"), 2, "not a regular file (a pipe or device)"); // never read
        string big = NewPath(".png");
        using (var stream = File.Create(big)) stream.SetLength(65 << 20); // sparse
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, big), 2, "larger than 64 MB");
    }

    [Fact]
    public void Predict_JpegCutInHalf_DecodesLenientlyOrFailsCleanly()
    {
        byte[] jpeg = File.ReadAllBytes(WriteJpeg(TestPixels(0), 28, 28, ColorComponents.Grey));
        string half = NewPath(".jpg");
        File.WriteAllBytes(half, jpeg[..(jpeg.Length / 2)]);

        var result = Run("predict", "--model-file", TrainedModelPath, half);

        if (result.ExitCode != 0) AssertOneError(result, 2, "damaged or truncated");
    }

    [Fact]
    public void Predict_AbsurdDeclaredSize_IsRefusedBeforeDecoding()
    {
        // A PNG declaring 20000×20000 grey pixels (400 megapixels) with a few bytes of image data; the decoder does not check CRCs.
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        void Chunk(string type, byte[] data)
        {
            bytes.AddRange([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(type));
            bytes.AddRange(data);
            bytes.AddRange([0, 0, 0, 0]);
        }
        Chunk("IHDR", [0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 0, 0, 0, 0]);
        var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(new byte[100]);
        Chunk("IDAT", compressed.ToArray());
        Chunk("IEND", []);
        string huge = NewPath(".png");
        File.WriteAllBytes(huge, bytes.ToArray());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, huge), 2, "20000×20000");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}: was it decoded?");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Predict_BadArguments_AreRefused()
    {
        string png = WritePng(TestPixels(0), 28, 28, ColorComponents.Grey);
        AssertOneError(Run("predict", "--model-file", TrainedModelPath), 2, "Required argument missing");
        AssertOneError(Run("predict", "--model-file", TrainedModelPath, "--top", "0", png), 2, "--top");
        AssertOneError(Run("predict", "--model-file", "/no/such/model", png), 1, "does not exist");
        AssertOneError(Run("predict", "--model-file", SaveSmallModel([1, 28, 28], null), png), 2, "normalisation");
    }

    [Fact]
    public void Softmax_IsStableForLargeLogits()
    {
        double[] p = PredictCommand.Softmax([1000f, 1000f, -1000f]);
        Assert.Equal([0.5, 0.5, 0.0], p);
    }
}
