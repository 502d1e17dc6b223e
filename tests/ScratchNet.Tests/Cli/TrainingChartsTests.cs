using ScratchNet.Cli.Reporting;
using ScratchNet.Training;
using SkiaSharp;

namespace ScratchNet.Tests.Cli;

/// <summary>The accuracy chart plots training accuracy (recorded every epoch) beside validation accuracy.</summary>
public sealed class TrainingChartsTests
{
    // ScottPlot's first two category colours, which the charts give training and validation.
    private static readonly SKColor Training = SKColor.Parse("#1f77b4"), Validation = SKColor.Parse("#ff7f0e");

    [Fact]
    public void Accuracy_DrawsTrainingAndValidationSeries()
    {
        EpochResult[] epochs = [new(1, 0.9, 0.7, 0.70, 1, 100, TrainAccuracy: 0.65), new(2, 0.6, 0.5, 0.80, 1, 100, TrainAccuracy: 0.82)];

        using SKBitmap chart = SKBitmap.Decode(TrainingCharts.Accuracy(epochs));

        Assert.True(Count(chart, Training) > 100, "no training-accuracy line");
        Assert.True(Count(chart, Validation) > 100, "no validation-accuracy line");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Accuracy_WithoutValidation_StillDrawsTrainingAccuracy()
    {
        EpochResult[] epochs = [new(1, 0.9, null, null, 1, 100, TrainAccuracy: 0.65), new(2, 0.6, null, null, 1, 100, TrainAccuracy: 0.82)];

        using SKBitmap chart = SKBitmap.Decode(TrainingCharts.Accuracy(epochs));

        Assert.True(Count(chart, Training) > 100, "no training-accuracy line");
        Assert.Equal(0, Count(chart, Validation));
    }

    private static int Count(SKBitmap bitmap, SKColor color)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor p = bitmap.GetPixel(x, y);
                if (Math.Abs(p.Red - color.Red) + Math.Abs(p.Green - color.Green) + Math.Abs(p.Blue - color.Blue) < 30) count++;
            }
        return count;
    }
}
