using System.Buffers.Binary;
using ScratchNet.Cli.Reporting;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Tests.Data;
using ScratchNet.Training;
using SkiaSharp;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// The run report: every picture is a PNG that decodes, report.html is one page with the five pictures inline and
/// the settings, and the confusion-matrix helper counts what a hand-made network predicts.
/// </summary>
public sealed class RunReportTests
{
    private static readonly string[] Pictures =
    [
        RunReport.LossFileName, RunReport.AccuracyFileName, RunReport.ConfusionFileName, RunReport.FiltersFileName, RunReport.MisclassifiedFileName,
    ];

    [Fact]
    public void Write_SyntheticRun_WritesFivePngsThatDecodeAndOneSelfContainedPage()
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "report", "nested"); // created by Write
        RunReport.Write(output, Synthetic(withConv: true, mistakes: 7));

        foreach (string name in Pictures) AssertPng(Path.Combine(output, name));
        string html = File.ReadAllText(Path.Combine(output, RunReport.HtmlFileName));
        Assert.Equal(5, Occurrences(html, "<img src=\"data:image/png;base64,"));
        foreach (string name in Pictures)
        {
            // The page embeds exactly the bytes of each file.
            string base64 = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(output, name)));
            Assert.Contains($"data:image/png;base64,{base64}\"", html);
        }
        Assert.Contains("<td>batch size</td><td>60</td>", html);
        Assert.Contains("<td>optimizer</td><td>SGD lr 0.01 momentum 0.9</td>", html);
        Assert.Contains("&lt;script&gt;", html); // settings are escaped, not injected
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("seed-cnn", html);
        Assert.Contains("Final test accuracy: <strong>50.00%</strong>", html);
        Assert.Contains("<td class=\"num\">3</td><td class=\"num\">0.4000</td>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
    }

    [Fact]
    public void Write_NoConvolutionNoMistakesNoEvaluation_StillWritesEveryFile()
    {
        using var folder = new TempFolder();
        RunSummary summary = Synthetic(withConv: false, mistakes: 0) with
        {
            Epochs = [new EpochResult(1, 1.5, null, null, 2.0, 100)],
        };
        RunReport.Write(folder.Path, summary);

        foreach (string name in Pictures) AssertPng(folder.File(name));
        string html = File.ReadAllText(folder.File(RunReport.HtmlFileName));
        Assert.Equal(5, Occurrences(html, "data:image/png;base64,"));
        Assert.Contains("The model has no convolution layer.", html);
    }

    [Fact]
    public void Write_ReplacesAnEarlierReport()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(RunReport.LossFileName), "stale");
        RunReport.Write(folder.Path, Synthetic(withConv: true, mistakes: 1));
        AssertPng(folder.File(RunReport.LossFileName));
    }

    [Fact]
    public void Write_ConfusionMatrixOfTheWrongSize_Throws()
    {
        using var folder = new TempFolder();
        RunSummary summary = Synthetic(withConv: true, mistakes: 1) with { ConfusionMatrix = new int[9, 10] };
        var error = Assert.Throws<ArgumentException>(() => RunReport.Write(folder.Path, summary));
        Assert.Contains("10×10", error.Message);
    }

    // Text and frames are drawn in greys of 32 and lighter, so pixels darker than that belong to the pictures.
    [Fact]
    public void Write_MisclassifiedImage_IsNeitherTransposedNorFlipped()
    {
        using var folder = new TempFolder();
        var pixels = new byte[20, 12]; // taller than wide; four quadrants of different greys, all below 32
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 12; x++)
                pixels[y, x] = (byte)((y < 5 ? 0 : 20) + (x < 3 ? 10 : 0));
        RunSummary summary = Synthetic(withConv: true, mistakes: 0) with { Misclassified = [new MisclassifiedSample(0, pixels, 1, 2, 0.9)] };
        RunReport.Write(folder.Path, summary);

        using SKBitmap bitmap = SKBitmap.Decode(folder.File(RunReport.MisclassifiedFileName));
        AssertDrawnNearestNeighbour(bitmap, pixels);
    }

    [Fact]
    public void Write_Filter_IsNeitherTransposedNorFlippedAndScaledToItsOwnRange()
    {
        using var folder = new TempFolder();
        var filter = new Tensor(1, 1, 3, 4); // 3 rows, 4 columns
        var expected = new byte[3, 4];
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 4; kx++)
            {
                // Weights 0 to 22 and one 255: scaled to [0, 255] the grey equals the weight.
                filter.Span[ky * 4 + kx] = ky == 1 && kx == 2 ? 255 : 2 * (ky * 4 + kx);
                expected[ky, kx] = (byte)filter.Span[ky * 4 + kx];
            }
        for (int i = 0; i < filter.Length; i++) filter.Span[i] = filter.Span[i] / 100 - 1; // any offset and scale
        RunReport.Write(folder.Path, Synthetic(withConv: false, mistakes: 1) with { FirstConvWeights = filter });

        using SKBitmap bitmap = SKBitmap.Decode(folder.File(RunReport.FiltersFileName));
        AssertDrawnNearestNeighbour(bitmap, expected);
    }

    // Finds the box of pixels darker than 32 and checks it is the picture enlarged by a whole factor, the right way round.
    private static void AssertDrawnNearestNeighbour(SKBitmap bitmap, byte[,] picture)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c.Red < 32 && c.Red == c.Green && c.Green == c.Blue)
                {
                    (left, top) = (Math.Min(left, x), Math.Min(top, y));
                    (right, bottom) = (Math.Max(right, x), Math.Max(bottom, y));
                }
            }
        int rows = picture.GetLength(0), columns = picture.GetLength(1);
        int width = right - left + 1, height = bottom - top + 1;
        Assert.True(width > 0, "no dark pixels: the picture is missing");
        Assert.True(width % columns == 0 && height % rows == 0 && width / columns == height / rows,
            $"the picture of {rows}×{columns} (rows×columns) is drawn as {height}×{width} pixels: not a whole enlargement the right way round");
        int scale = width / columns;
        Assert.True(scale > 1, "the picture is not enlarged");
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < columns; x++)
                Assert.Equal(picture[y, x], bitmap.GetPixel(left + x * scale + scale / 2, top + y * scale + scale / 2).Red);
    }

    [Fact]
    public void Compute_HandMadeNetwork_CountsEveryPredictionAndKeepsTheSurestMistakes()
    {
        // Flatten → Dense(3) with identity weights and no bias: the prediction is the brightest of three pixels.
        var network = new NeuralNetwork([new Flatten(), new Dense(3)], new SoftmaxCrossEntropy());
        network.Build([1, 1, 3]);
        Span<float> weight = network.Layers[1].Parameters[0].Value.Span, bias = network.Layers[1].Parameters[1].Value.Span;
        weight.Clear();
        bias.Clear();
        for (int i = 0; i < 3; i++) weight[i * 3 + i] = 1;

        float[] logits =
        [
            5, 0, 0, // label 0, predicted 0
            0, 4, 0, // label 1, predicted 1
            0, 0, 3, // label 0, predicted 2 (p = e³ / (2 + e³) ≈ 0.909)
            1, 2, 0, // label 2, predicted 1 (p = e² / (1 + e + e²) ≈ 0.665)
            0, 0, 9, // label 2, predicted 2
        ];
        int[] labels = [0, 1, 0, 2, 2];
        string[] names = ["a", "b", "c"];
        var standardised = new ImageDataset(new Tensor(logits, 5, 1, 1, 3), labels, names);
        var raw = new ImageDataset(new Tensor(logits.Select(v => v * 20 + 10).ToArray(), 5, 1, 1, 3), labels, names);

        TestSetResults results = TestSetResults.Compute(network, standardised, raw, batchSize: 2);

        int[,] expected = { { 1, 0, 1 }, { 0, 1, 0 }, { 0, 1, 1 } };
        Assert.Equal(expected, results.ConfusionMatrix);
        Assert.Equal([2, 3], results.Misclassified.Select(m => m.Index));
        MisclassifiedSample surest = results.Misclassified[0];
        Assert.Equal((0, 2), (surest.TrueClass, surest.PredictedClass));
        Assert.Equal(Math.Exp(3) / (2 + Math.Exp(3)), surest.Probability, 5);
        Assert.Equal(new byte[,,] { { { 10, 10, 70 } } }, surest.Pixels);
        MisclassifiedSample second = results.Misclassified[1];
        Assert.Equal((2, 1), (second.TrueClass, second.PredictedClass));
        Assert.Equal(Math.Exp(2) / (1 + Math.E + Math.Exp(2)), second.Probability, 5);
        Assert.Equal(new byte[,,] { { { 30, 50, 10 } } }, second.Pixels);

        Assert.Equal([2], TestSetResults.Compute(network, standardised, raw, maxMisclassified: 1).Misclassified.Select(m => m.Index));
        var summary = new RunSummary("hand-made", new Dictionary<string, string>(), [], names, results.ConfusionMatrix, null, results.Misclassified);
        Assert.Equal(0.6, summary.TestAccuracy!.Value, 10);
        Assert.Equal(5, summary.TestCount);
    }

    [Fact]
    public void Compute_RawSetWithOtherLabels_Throws()
    {
        var network = new NeuralNetwork([new Flatten(), new Dense(2)], new SoftmaxCrossEntropy());
        var standardised = new ImageDataset(new Tensor(2, 1, 2, 2), [0, 1], ["a", "b"]);
        var raw = new ImageDataset(new Tensor(2, 1, 2, 2), [1, 1], ["a", "b"]);
        Assert.Throws<ArgumentException>(() => TestSetResults.Compute(network, standardised, raw));
    }

    [Fact]
    public void FirstConvolutionWeights_CopiesTheOihwWeightsOrIsNullWithoutConvolution()
    {
        NeuralNetwork cnn = ModelPreset.SeedCnn.CreateNetwork();
        cnn.Build([1, 28, 28]);
        Tensor weights = RunSummary.FirstConvolutionWeights(cnn)!;
        Assert.Equal([16, 1, 5, 5], weights.Shape.ToArray());
        Tensor live = cnn.Layers[0].Parameters[0].Value;
        Assert.Equal(live.Span.ToArray(), weights.Span.ToArray());
        weights.Span[0] += 1; // a copy: the report cannot change the model
        Assert.NotEqual(live.Span[0], weights.Span[0]);

        NeuralNetwork mlp = ModelPreset.Mlp.CreateNetwork();
        mlp.Build([1, 28, 28]);
        Assert.Null(RunSummary.FirstConvolutionWeights(mlp));
    }

    [Fact]
    public void FirstConvolutionWeights_FindsTheFirstConvolutionInsideBlocks()
    {
        var body = new Conv2D(3, 3);
        var network = new NeuralNetwork(
            [new Flatten(), new Dense(16), new ActivationLayer(new ScratchNet.Operations.Activations.Tanh()), new Residual([new Dense(16)]), new Dense(1 * 4 * 4)],
            new SoftmaxCrossEntropy());
        network.Build([1, 4, 4]);
        Assert.Null(RunSummary.FirstConvolutionWeights(network));

        var nested = new NeuralNetwork(
            [new Sequential(new Residual([body, new Conv2D(2, 1)], [new Conv2D(2, 1)])), new Flatten(), new Dense(2)], new SoftmaxCrossEntropy());
        nested.Build([1, 4, 4]);
        Assert.Equal(body.Parameters[0].Value.Span.ToArray(), RunSummary.FirstConvolutionWeights(nested)!.Span.ToArray());
    }

    private static RunSummary Synthetic(bool withConv, int mistakes)
    {
        var random = new Random(7);
        Tensor? filters = null;
        if (withConv)
        {
            filters = new Tensor(16, 1, 5, 5);
            for (int i = 0; i < filters.Length; i++) filters.Span[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var confusion = new int[10, 10];
        for (int t = 0; t < 10; t++)
        {
            confusion[t, t] = 50;
            confusion[t, (t + 1) % 10] = 50;
        }
        var samples = Enumerable.Range(0, mistakes).Select(i =>
        {
            var pixels = new byte[28, 28];
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                    pixels[y, x] = (byte)(y < 4 + i ? 255 : x * 9); // a white band at the top, a ramp to the right
            return new MisclassifiedSample(i * 13, pixels, i % 10, (i + 1) % 10, 0.5 + i * 0.05);
        }).ToArray();
        var settings = new Dictionary<string, string>
        {
            ["epochs"] = "3", ["batch size"] = "60", ["optimizer"] = "SGD lr 0.01 momentum 0.9", ["note"] = "<script>alert(1)</script>",
        };
        EpochResult[] epochs =
        [
            new(1, 0.9, 0.7, 0.75, 10.5, 5700),
            new(2, 0.6, 0.5, 0.82, 10.1, 5900),
            new(3, 0.4, 0.45, 0.85, 10.0, 6000),
        ];
        return new RunSummary("seed-cnn", settings, epochs, IdxDatasetLoader.FashionMnistClassNames, confusion, filters, samples);
    }

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path} is too short for a PNG");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.True(width > 0 && height > 0, $"{path} is {width}×{height}");
        using SKBitmap? bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
