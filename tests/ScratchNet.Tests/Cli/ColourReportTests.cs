using ScratchNet.Cli.Reporting;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Training;
using SkiaSharp;
using static ScratchNet.Tests.Cli.ColourPictures;

namespace ScratchNet.Tests.Cli;

/// <summary>
/// The report shows colour for colour models and data: first-layer filters over three input channels as RGB, and
/// misclassified images from their raw [3, H, W] pixels; grey models and data stay grey.
/// </summary>
public sealed class ColourReportTests
{
    [Fact]
    public void Filters_OverThreeInputChannels_AreDrawnInColour()
    {
        // Filter f is bright in input channel f % 3 only: red, green, blue, red.
        var weights = new Tensor(4, 3, 5, 5);
        for (int f = 0; f < 4; f++) weights.Span.Slice((f * 3 + f % 3) * 25, 25).Fill(1f);

        byte[] png = FilterGridImage.Render(weights);

        Assert.True(Near(png, SKColors.Red) > 2 * 25 * 16, "no red filters");   // two 5×5 filters, each pixel enlarged
        Assert.True(Near(png, new SKColor(0, 255, 0)) > 25 * 16, "no green filter");
        Assert.True(Near(png, SKColors.Blue) > 25 * 16, "no blue filter");
    }

    [Fact]
    public void Filters_OfAGreyModel_StayGrey()
    {
        byte[] png = FilterGridImage.Render(TestData.Uniform(8, [6, 1, 5, 5]));

        Assert.Equal(0, Coloured(png, spread: 2));
    }

    [Fact]
    public void MisclassifiedColourImages_AreDrawnFromTheirRawPixels()
    {
        // A network that always answers class 1, and three raw test images: a red, a green and a blue square.
        var network = new NeuralNetwork([new Flatten(), new Dense(3)], new SoftmaxCrossEntropy());
        network.Build([3, 6, 6]);
        network.Layers[1].Parameters[0].Value.Span.Clear();
        network.Layers[1].Parameters[1].Value.Span[1] = 5;
        var raw = new Tensor(3, 3, 6, 6);
        for (int n = 0; n < 3; n++) raw.Span.Slice((n * 3 + n) * 36, 36).Fill(255);
        string[] names = ["red", "green", "blue"];
        var rawTest = new ImageDataset(raw, [0, 2, 2], names);
        var test = new ImageDataset(raw.Clone(), [0, 2, 2], names);

        TestSetResults results = TestSetResults.Compute(network, test, rawTest);
        byte[] png = MisclassifiedGridImage.Render(results.Misclassified, names);

        Assert.Equal(3, results.Misclassified.Count);
        Assert.All(results.Misclassified, m => Assert.Equal(3, m.Channels));
        Assert.Equal(255, results.Misclassified[0].Pixels[0, 2, 3]); // image 0, red channel
        Assert.Equal(0, results.Misclassified[0].Pixels[1, 2, 3]);
        Assert.True(Near(png, SKColors.Red) > 36 * 100, "the red image is not red");
        Assert.True(Near(png, new SKColor(0, 255, 0)) > 36 * 100, "the green image is not green");
        Assert.True(Near(png, SKColors.Blue) > 36 * 100, "the blue image is not blue");
    }

    [Fact]
    public void MisclassifiedGreyImages_StayGrey()
    {
        var grey = new byte[10, 10];
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 10; x++) grey[y, x] = (byte)(25 * x);

        byte[] png = MisclassifiedGridImage.Render([new MisclassifiedSample(4, grey, 0, 1, 0.7)], ["a", "b"]);

        Assert.Equal(0, Coloured(png, spread: 2));
    }
}
