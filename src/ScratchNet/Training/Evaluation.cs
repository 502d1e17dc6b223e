using ScratchNet.Data;

namespace ScratchNet.Training;

/// <summary>Loss and accuracy of a network on a labelled data set.</summary>
/// <param name="Loss">Mean loss per image.</param>
/// <param name="Accuracy">Fraction of images whose largest output is the true class.</param>
public sealed record Evaluation(double Loss, double Accuracy)
{
    /// <summary>
    /// The evaluation batch everyone uses (training and the evaluate command), so that their losses agree to the
    /// last bit; small enough that the activations of a batch stay well under the training set's own size.
    /// </summary>
    public const int DefaultBatchSize = 250;

    /// <summary>Runs <paramref name="network"/> in inference mode over <paramref name="data"/> in batches.</summary>
    public static Evaluation Run(NeuralNetwork network, IBatchSource data, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        double lossSum = 0;
        int correct = 0;
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        using IBatchPass batches = data.BeginPass(order, batchSize);
        for (int start = 0; start < data.Count; start += batchSize)
        {
            var (images, targets) = batches.Next();
            Tensor logits = network.Infer(images);
            lossSum += network.Loss.Forward(logits, targets) * (double)images.Dim(0);
            correct += CountCorrect(logits, data.Labels, start);
        }
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>The index of the largest value in <paramref name="row"/> (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> row) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);

    // Images start, start + 1, … of the pass (in the data's own order) whose largest output is their label.
    private static int CountCorrect(Tensor logits, IReadOnlyList<int> labels, int start)
    {
        int classes = logits.SampleLength, correct = 0;
        for (int b = 0; b < logits.Dim(0); b++)
            if (ArgMax(logits.Span.Slice(b * classes, classes)) == labels[start + b]) correct++;
        return correct;
    }
}
