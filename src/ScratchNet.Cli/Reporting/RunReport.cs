using System.Text;
using ScratchNet.Serialization;

namespace ScratchNet.Cli.Reporting;

/// <summary>
/// Writes the report of a training run into a folder: <c>loss.png</c>, <c>accuracy.png</c>, <c>confusion.png</c>,
/// <c>filters.png</c>, <c>misclassified.png</c> and <c>report.html</c>, one self-contained page (inline CSS, the five
/// pictures embedded as <c>data:image/png;base64</c> URIs, nothing fetched from elsewhere) that can be opened offline.
/// </summary>
/// <remarks>
/// <para>How to call it after training, e.g. from <c>train --out DIR</c> (names as in <c>TrainCommand.Run</c>):</para>
/// <code>
/// // history = trainer.Fit(train, test, ...);   train/test are the standardised sets, rawTest the set from LoadFolder
/// var settings = new Dictionary&lt;string, string&gt;   // display text, listed in this order
/// {
///     ["epochs"] = s.Epochs.ToString(), ["batch size"] = s.BatchSize.ToString(),
///     ["optimizer"] = $"SGD lr {s.LearningRate} momentum {s.Momentum}", ["init"] = "glorot", ["seed"] = s.Seed.ToString(),
/// };
/// RunSummary summary = RunSummary.FromNetwork(s.Preset.Name, settings, history, network, test, rawTest);
/// RunReport.Write(outDirectory, summary);
/// </code>
/// <para>
/// <see cref="RunSummary.FromNetwork"/> runs the network over the whole test set once (batches of 500, inference mode)
/// for the confusion matrix and the 25 most confident mistakes, and copies the first convolution layer's weights.
/// To build a summary by hand use <see cref="TestSetResults.Compute"/> and <see cref="RunSummary.FirstConvolutionWeights"/>,
/// or the <see cref="RunSummary"/> constructor directly.
/// </para>
/// <para>
/// The folder is created when missing; existing files of these six names are replaced, each through a temporary
/// name so that a reader never sees half a file. A model without convolution gets a <c>filters.png</c> that says so,
/// a run without mistakes a <c>misclassified.png</c> that says so, so the six files are always there.
/// Text needs a font under <c>/usr/share/fonts</c> on Linux (SkiaSharp's NoDependencies build reads fonts there).
/// </para>
/// </remarks>
public static class RunReport
{
    /// <summary>The name of the HTML page.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>The chart of training and validation loss per epoch.</summary>
    public const string LossFileName = "loss.png";

    /// <summary>The chart of training and validation accuracy per epoch.</summary>
    public const string AccuracyFileName = "accuracy.png";

    /// <summary>The confusion matrix heat map.</summary>
    public const string ConfusionFileName = "confusion.png";

    /// <summary>The first convolution layer's filters.</summary>
    public const string FiltersFileName = "filters.png";

    /// <summary>The gallery of misclassified test images.</summary>
    public const string MisclassifiedFileName = "misclassified.png";

    /// <summary>Writes the five pictures and <c>report.html</c> into <paramref name="outDirectory"/> (created when missing).</summary>
    /// <param name="outDirectory">The folder to write into.</param>
    /// <param name="summary">What to show.</param>
    /// <exception cref="ArgumentException">The confusion matrix is not square with one row per class name, or a misclassified sample names a class that does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static void Write(string outDirectory, RunSummary summary)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        ArgumentNullException.ThrowIfNull(summary);
        Validate(summary);
        string folder = Directory.CreateDirectory(Path.GetFullPath(outDirectory)).FullName;
        string arrow = Drawing.Arrow;
        string shape = summary.FirstConvWeights is { Rank: 4 } w ? $" ({w.Dim(0)} filters of {w.Dim(1)}×{w.Dim(2)}×{w.Dim(3)})" : "";

        var images = new List<(byte[] Png, string Title, string Caption)>
        {
            (Save(folder, LossFileName, TrainingCharts.Loss(summary.Epochs)), "Loss",
                "Training loss (the mean of the batch losses over each epoch) and validation loss after each evaluated epoch."),
            (Save(folder, AccuracyFileName, TrainingCharts.Accuracy(summary.Epochs)), "Accuracy",
                "Training accuracy (the share of each epoch's training images classified right as they were trained, so with dropout and augmentation on) and validation accuracy after each evaluated epoch."),
            (Save(folder, ConfusionFileName, ConfusionMatrixImage.Render(summary.ConfusionMatrix, summary.ClassNames)), "Confusion matrix",
                "Test images by true class (rows) and predicted class (columns); cells are shaded by their share of the row, and the right column gives each class's recall."),
            (Save(folder, FiltersFileName, FilterGridImage.Render(summary.FirstConvWeights)), "First-layer filters",
                summary.FirstConvWeights is null
                    ? "The model has no convolution layer."
                    : summary.FirstConvWeights is { Rank: 4 } colour && colour.Dim(1) == 3
                        ? $"The weights of the first convolution layer{shape}, its three input channels drawn as red, green and blue, each filter scaled from its own minimum to its maximum, enlarged without smoothing."
                        : $"The weights of the first convolution layer{shape}, each filter scaled from its own minimum (black) to its maximum (white), enlarged without smoothing."),
            (Save(folder, MisclassifiedFileName, MisclassifiedGridImage.Render(summary.Misclassified, summary.ClassNames)), "Misclassified test images",
                summary.Misclassified.Count == 0
                    ? "No misclassified test images were given."
                    : $"Up to {RunSummary.MaxMisclassified} test images the model got wrong, captioned true {arrow} predicted with the model's probability for its answer."),
        };
        Save(folder, HtmlFileName, Encoding.UTF8.GetBytes(ReportHtml.Build(summary, images)));
    }

    private static void Validate(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary.ModelName);
        ArgumentNullException.ThrowIfNull(summary.Settings);
        ArgumentNullException.ThrowIfNull(summary.Epochs);
        ArgumentNullException.ThrowIfNull(summary.ClassNames);
        ArgumentNullException.ThrowIfNull(summary.ConfusionMatrix);
        ArgumentNullException.ThrowIfNull(summary.Misclassified);
        int classes = summary.ClassNames.Count;
        if (summary.ConfusionMatrix.GetLength(0) != classes || summary.ConfusionMatrix.GetLength(1) != classes)
            throw new ArgumentException(
                $"The confusion matrix is {summary.ConfusionMatrix.GetLength(0)}×{summary.ConfusionMatrix.GetLength(1)} but there are {classes} class names; it must be {classes}×{classes}.", nameof(summary));
        foreach (MisclassifiedSample s in summary.Misclassified)
            if ((uint)s.TrueClass >= (uint)classes || (uint)s.PredictedClass >= (uint)classes)
                throw new ArgumentException($"Misclassified test image {s.Index} has classes {s.TrueClass} → {s.PredictedClass}, not both in [0, {classes - 1}].", nameof(summary));
    }

    private static byte[] Save(string folder, string name, byte[] content)
    {
        SafeFile.WriteAllBytes(Path.Combine(folder, name), content);
        return content;
    }
}
