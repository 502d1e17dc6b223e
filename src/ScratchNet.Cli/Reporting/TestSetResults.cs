using ScratchNet.Data;
using ScratchNet.Losses;
using ScratchNet.Training;

namespace ScratchNet.Cli.Reporting;

/// <summary>The confusion matrix and the worst mistakes of a network on a test set.</summary>
/// <param name="ConfusionMatrix">Counts <c>[true class, predicted class]</c>, one row and column per class.</param>
/// <param name="Misclassified">
/// The wrongly classified images the network was most sure of (largest probability of the wrong class first,
/// then lower test-set index first), at most the number asked for.
/// </param>
public sealed record TestSetResults(int[,] ConfusionMatrix, IReadOnlyList<MisclassifiedSample> Misclassified)
{
    /// <summary>
    /// Runs <paramref name="network"/> in inference mode over <paramref name="standardisedTest"/> in batches and
    /// counts true against predicted classes (the largest output, the first on ties). The pictures of misclassified
    /// images come from <paramref name="rawTest"/>, which must hold the same images unstandardised (values 0 to 255):
    /// three channels are kept as red, green and blue; any other number is shown as the mean of the channels.
    /// </summary>
    /// <param name="network">A built network whose outputs are one score per class.</param>
    /// <param name="standardisedTest">The test set as the network expects it.</param>
    /// <param name="rawTest">The same images and labels with raw pixel values.</param>
    /// <param name="maxMisclassified">The most misclassified images to keep (0 or more).</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <remarks>
    /// The probability is the softmax of the outputs when the loss is <see cref="SoftmaxCrossEntropy"/> (the outputs are logits);
    /// otherwise the outputs are taken as probabilities when they are non-negative and sum to 1, and are put through softmax when not.
    /// </remarks>
    /// <exception cref="ArgumentException">The two sets differ in size, labels or image shape, or the outputs are not one per class.</exception>
    public static TestSetResults Compute(
        NeuralNetwork network, ImageDataset standardisedTest, ImageDataset rawTest,
        int maxMisclassified = RunSummary.MaxMisclassified, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(standardisedTest);
        ArgumentNullException.ThrowIfNull(rawTest);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMisclassified);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (rawTest.Count != standardisedTest.Count || !rawTest.Labels.AsSpan().SequenceEqual(standardisedTest.Labels)
            || !rawTest.ImageShape.AsSpan().SequenceEqual(standardisedTest.ImageShape))
            throw new ArgumentException(
                $"The raw test set ({rawTest.Count} images of {Tensor.FormatShape(rawTest.ImageShape)}) must hold the same images and labels " +
                $"as the standardised one ({standardisedTest.Count} images of {Tensor.FormatShape(standardisedTest.ImageShape)}).", nameof(rawTest));

        int classes = standardisedTest.ClassCount, sample = standardisedTest.Images.SampleLength;
        bool logits = network.Loss is SoftmaxCrossEntropy;
        var confusion = new int[classes, classes];
        var mistakes = new List<(int Index, int Predicted, double Probability)>();
        int[] shape = standardisedTest.Images.Shape.ToArray();
        for (int start = 0; start < standardisedTest.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, standardisedTest.Count - start);
            shape[0] = count;
            var batch = new Tensor(standardisedTest.Images.Span.Slice(start * sample, count * sample).ToArray(), shape);
            Tensor output = network.Forward(batch); // owned by the network: read it before the next call
            if (output.Length != count * classes)
                throw new ArgumentException(
                    $"The network gives {output.ShapeText} for {count} images, but the test set has {classes} classes: expected one output per class.", nameof(network));
            for (int b = 0; b < count; b++)
            {
                ReadOnlySpan<float> row = output.Span.Slice(b * classes, classes);
                int predicted = Evaluation.ArgMax(row), truth = standardisedTest.Labels[start + b];
                confusion[truth, predicted]++;
                if (predicted != truth) mistakes.Add((start + b, predicted, Probability(row, predicted, logits)));
            }
        }

        MisclassifiedSample[] worst = mistakes
            .OrderByDescending(m => m.Probability).ThenBy(m => m.Index)
            .Take(maxMisclassified)
            .Select(m => new MisclassifiedSample(m.Index, Pixels(rawTest.Images, m.Index), rawTest.Labels[m.Index], m.Predicted, m.Probability))
            .ToArray();
        return new TestSetResults(confusion, worst);
    }

    private static double Probability(ReadOnlySpan<float> row, int index, bool logits)
    {
        if (!logits)
        {
            double sum = 0;
            bool nonNegative = true;
            foreach (float v in row)
            {
                sum += v;
                nonNegative &= v >= 0;
            }
            if (nonNegative && Math.Abs(sum - 1) < 1e-3) return row[index];
        }
        double max = row[index], total = 0; // row[index] is the largest value
        foreach (float v in row) total += Math.Exp(v - max);
        return 1 / total;
    }

    // Image i of an NCHW tensor as [channel, y, x] bytes, values rounded and clamped to 0..255: RGB stays three
    // channels, anything else becomes one, the mean of the channels.
    private static byte[,,] Pixels(Tensor images, int i)
    {
        int channels = images.Dim(1), height = images.Dim(2), width = images.Dim(3), plane = height * width;
        int kept = channels == 3 ? 3 : 1, averaged = channels / kept;
        ReadOnlySpan<float> image = images.Span.Slice(i * images.SampleLength, images.SampleLength);
        var pixels = new byte[kept, height, width];
        for (int k = 0; k < kept; k++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (int c = k; c < k + averaged; c++) sum += image[c * plane + y * width + x];
                    pixels[k, y, x] = (byte)Math.Clamp(Math.Round(sum / averaged), 0, 255);
                }
        return pixels;
    }
}
