using ScottPlot;
using ScratchNet.Training;

namespace ScratchNet.Cli.Reporting;

/// <summary>Line charts of the per-epoch figures, drawn with ScottPlot.</summary>
internal static class TrainingCharts
{
    private const int Width = 800, Height = 450;

    /// <summary>The legend of the training accuracy: measured on the batches as they were trained, so with dropout and augmentation on.</summary>
    internal const string TrainingAccuracyLabel = "training (over the epoch's batches)";

    /// <summary>The legend of the validation figures.</summary>
    internal const string ValidationLabel = "validation";

    /// <summary>Training loss (every epoch) and validation loss (evaluated epochs) against the epoch number.</summary>
    public static byte[] Loss(IReadOnlyList<EpochResult> epochs)
    {
        if (epochs.Count == 0) return Drawing.Placeholder("No epoch was completed, so there is no loss to show.");
        Plot plot = NewPlot("Loss per epoch", "Loss");
        AddSeries(plot, epochs.Select(e => ((double)e.Epoch, (double?)e.TrainLoss)), "training (mean over the epoch)", Colors.C0);
        AddSeries(plot, epochs.Select(e => ((double)e.Epoch, e.ValidationLoss)), ValidationLabel, Colors.C1);
        return Finish(plot, epochs, Alignment.UpperRight); // losses fall to the right, leaving that corner free
    }

    /// <summary>Training accuracy (every epoch) and validation accuracy (evaluated epochs) in percent against the epoch number.</summary>
    public static byte[] Accuracy(IReadOnlyList<EpochResult> epochs)
    {
        if (!epochs.Any(e => e.ValidationAccuracy is not null || e.TrainAccuracy is not null))
            return Drawing.Placeholder("No epoch was completed, so there is no accuracy to show.");
        Plot plot = NewPlot("Accuracy per epoch", "Accuracy (%)");
        AddSeries(plot, epochs.Select(e => ((double)e.Epoch, e.TrainAccuracy * 100)), TrainingAccuracyLabel, Colors.C0);
        AddSeries(plot, epochs.Select(e => ((double)e.Epoch, e.ValidationAccuracy * 100)), ValidationLabel, Colors.C1);
        return Finish(plot, epochs, Alignment.LowerRight); // accuracy climbs to the right, leaving this corner free
    }

    private static Plot NewPlot(string title, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(Drawing.Typeface.FamilyName);
        plot.Title(title);
        plot.XLabel("Epoch");
        plot.YLabel(yLabel);
        return plot;
    }

    private static void AddSeries(Plot plot, IEnumerable<(double Epoch, double? Value)> points, string label, Color color)
    {
        var known = points.Where(p => p.Value is { } v && double.IsFinite(v)).ToArray();
        if (known.Length == 0) return;
        var series = plot.Add.Scatter(known.Select(p => p.Epoch).ToArray(), known.Select(p => p.Value!.Value).ToArray(), color);
        series.LegendText = label;
        series.LineWidth = 2;
        series.MarkerSize = 7;
    }

    private static byte[] Finish(Plot plot, IReadOnlyList<EpochResult> epochs, Alignment legend)
    {
        int first = epochs.Min(e => e.Epoch), last = epochs.Max(e => e.Epoch);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(first - 0.5, last + 0.5);
        plot.ShowLegend(legend);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
