using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Training;

namespace ScratchNet.Cli.Reporting;

/// <summary>Everything <see cref="RunReport.Write"/> shows about one training run.</summary>
/// <param name="ModelName">The model's name, e.g. the preset name "seed-cnn".</param>
/// <param name="Settings">The run's settings as display text, in the order they should be listed (e.g. "epochs" → "10").</param>
/// <param name="Epochs">The per-epoch results, in order (as returned by <see cref="Trainer.Fit"/>).</param>
/// <param name="ClassNames">The class names, by class index.</param>
/// <param name="ConfusionMatrix">Test-set counts, <c>[true class, predicted class]</c>, square with one row per class.</param>
/// <param name="FirstConvWeights">
/// The first convolution layer's weights, OIHW <c>[out channels, in channels, kernel height, kernel width]</c>;
/// null when the model has no convolution (the report then says so instead of showing filters).
/// </param>
/// <param name="Misclassified">Up to 25 wrongly classified test images (more are ignored).</param>
public sealed record RunSummary(
    string ModelName,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<EpochResult> Epochs,
    IReadOnlyList<string> ClassNames,
    int[,] ConfusionMatrix,
    Tensor? FirstConvWeights,
    IReadOnlyList<MisclassifiedSample> Misclassified)
{
    /// <summary>The most misclassified images a report shows.</summary>
    public const int MaxMisclassified = 25;

    /// <summary>The number of test images counted in <see cref="ConfusionMatrix"/>.</summary>
    public int TestCount
    {
        get
        {
            int total = 0;
            foreach (int count in ConfusionMatrix) total += count;
            return total;
        }
    }

    /// <summary>The fraction of test images on the diagonal of <see cref="ConfusionMatrix"/>; null when it counts none.</summary>
    public double? TestAccuracy
    {
        get
        {
            int total = TestCount, correct = 0;
            for (int i = 0; i < Math.Min(ConfusionMatrix.GetLength(0), ConfusionMatrix.GetLength(1)); i++) correct += ConfusionMatrix[i, i];
            return total == 0 ? null : (double)correct / total;
        }
    }

    /// <summary>
    /// Builds the summary of a finished run: runs <paramref name="network"/> over the test set for the confusion
    /// matrix and the misclassified images (see <see cref="TestSetResults.Compute"/>) and copies the first
    /// convolution layer's weights.
    /// </summary>
    /// <param name="modelName">The model's name.</param>
    /// <param name="settings">The run's settings as display text.</param>
    /// <param name="epochs">The per-epoch results.</param>
    /// <param name="network">The trained, built network.</param>
    /// <param name="standardisedTest">The test set as the network sees it (standardised like the training set).</param>
    /// <param name="rawTest">The same test set with raw pixel values 0 to 255, for the pictures.</param>
    public static RunSummary FromNetwork(
        string modelName, IReadOnlyDictionary<string, string> settings, IReadOnlyList<EpochResult> epochs,
        NeuralNetwork network, ImageDataset standardisedTest, ImageDataset rawTest)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(standardisedTest);
        TestSetResults results = TestSetResults.Compute(network, standardisedTest, rawTest);
        return new RunSummary(modelName, settings, epochs, standardisedTest.ClassNames, results.ConfusionMatrix,
            FirstConvolutionWeights(network), results.Misclassified);
    }

    /// <summary>
    /// A copy of the weights of the first <see cref="Conv2D"/> layer of <paramref name="network"/>, looking inside blocks
    /// (a residual's body before its shortcut), or null when it has none or is not built.
    /// </summary>
    public static Tensor? FirstConvolutionWeights(NeuralNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Conv2D? conv = InForwardOrder(network.Layers).OfType<Conv2D>().FirstOrDefault();
        return conv is { IsBuilt: true } ? conv.Parameters[0].Value.Clone() : null;
    }

    // Every layer, each block followed by its own layers, depth first.
    private static IEnumerable<Layer> InForwardOrder(IEnumerable<Layer> layers) =>
        layers.SelectMany(l => InForwardOrder(l.Children.Select(c => c.Layer)).Prepend(l));
}
