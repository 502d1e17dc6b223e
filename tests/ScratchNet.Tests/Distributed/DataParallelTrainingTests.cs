using ScratchNet.Data;
using ScratchNet.Distributed;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Tests.Training;
using ScratchNet.Training;

namespace ScratchNet.Tests.Distributed;

/// <summary>
/// Data-parallel training in the library, with workers as threads (<see cref="ThreadWorkerGroup"/>): N workers, each
/// training its share of every batch, end with the weights one process gets, dropout and augmentation included.
/// </summary>
public sealed class DataParallelTrainingTests
{
    // Dropout after a layer of 5 outputs: shares start at odd elements of the global batch, the hard case of the mask.
    private static NeuralNetwork Network(bool batchNorm = false) => new(
    [
        new Conv2D(3, 3, padding: Padding.Same, activation: new Tanh()), .. batchNorm ? (Layer[])[new BatchNorm()] : [],
        new Flatten(), new Dense(5, new Tanh()), new Dropout(0.4f), new Dense(2),
    ], new SoftmaxCrossEntropy(), seed: 5);

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 2, BatchSize = 8, Seed = 3, Augmentation = Augmentation.Standard, // 50 images: the last batch has 2 rows
    };

    private static (float[] Weights, IReadOnlyList<EpochResult> History) Train(IWorkerGroup workers, bool batchNorm = false)
    {
        ImageDataset train = TrainerTests.TopOrBottom(50, seed: 1), validation = TrainerTests.TopOrBottom(20, seed: 2);
        NeuralNetwork network = Network(batchNorm);
        var history = new Trainer(network, new SGDMomentum(0.05f)).Fit(train, validation, Options with { Workers = workers });
        float[] state = [.. network.Parameters.SelectMany(p => p.Value.Span.ToArray()), .. network.NamedBuffers().SelectMany(b => b.Buffer.Value.Span.ToArray())];
        return (state, history);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)] // with 3 workers the last batch (2 rows) leaves worker 0 without a row
    public void NWorkers_EndWithTheWeightsOfOneProcess_DropoutAndAugmentationIncluded(int workers)
    {
        var (alone, aloneHistory) = Train(SingleWorker.Instance);

        var results = new ThreadWorkerGroup(workers).Run(w => Train(w));

        foreach (var (weights, history) in results)
        {
            Assert.Equal(results[0].Weights, weights); // every worker holds the same bits
            AssertClose(alone, weights, 1e-5f);
            Assert.Equal(aloneHistory.Select(r => r.ValidationAccuracy), history.Select(r => r.ValidationAccuracy));
            Assert.Equal(aloneHistory.Select(r => r.TrainAccuracy), history.Select(r => r.TrainAccuracy));
            for (int e = 0; e < history.Count; e++) Assert.Equal(aloneHistory[e].TrainLoss, history[e].TrainLoss, 1e-5);
        }
    }

    [Fact]
    public void DifferentDropoutMasks_WouldBeSeen_ByTheComparison()
    {
        // The comparison above is sharp enough: another seed (other masks and augmentation) moves the weights far beyond 1e-5.
        var (alone, _) = Train(SingleWorker.Instance);
        ImageDataset train = TrainerTests.TopOrBottom(50, seed: 1), validation = TrainerTests.TopOrBottom(20, seed: 2);
        NeuralNetwork network = Network();
        new Trainer(network, new SGDMomentum(0.05f)).Fit(train, validation, Options with { Seed = 4 });
        float[] other = [.. network.Parameters.SelectMany(p => p.Value.Span.ToArray())];
        Assert.True(RelativeDifference(alone[..other.Length], other) > 1e-3f);
    }

    [Fact]
    public void BatchNorm_RunningStatistics_AreTheWorkersMean_AndTheSameOnEvery()
    {
        var results = new ThreadWorkerGroup(2).Run(w => Train(w, batchNorm: true));

        Assert.Equal(results[0].Weights, results[1].Weights);
        var (alone, _) = Train(SingleWorker.Instance, batchNorm: true);
        // Per-worker batch statistics: close to one process's training, not equal to it.
        Assert.NotEqual(alone, results[0].Weights);
        AssertClose(alone, results[0].Weights, 0.2f);
    }

    [Fact]
    public void BatchShare_CoversTheBatchInOrder_WithSharesDifferingByAtMostOne()
    {
        foreach (int workers in (int[])[1, 2, 3, 7])
        foreach (int rows in (int[])[0, 1, 2, 6, 60, 61, 128])
        {
            BatchShare[] shares = [.. Enumerable.Range(0, workers).Select(r => BatchShare.Of(rows, r, workers))];
            Assert.Equal(0, shares[0].Start);
            for (int r = 1; r < workers; r++) Assert.Equal(shares[r - 1].Start + shares[r - 1].Count, shares[r].Start);
            Assert.Equal(rows, shares.Sum(s => s.Count));
            Assert.True(shares.Max(s => s.Count) - shares.Min(s => s.Count) <= 1);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShare.Of(10, 2, 2));
    }

    [Fact]
    public void Dropout_OnRowsOfTheBatch_DrawsTheMaskOfThoseRowsInTheWholeBatch()
    {
        Tensor batch = TestData.Uniform(1, 6, 5); // 5 values per row: row 1 starts at an odd element
        var whole = new DropoutOperation(0.5f, seed: 9);
        whole.Forward(batch, training: true);
        float[] wholeMask = whole.Mask!.Span.ToArray();

        var part = new DropoutOperation(0.5f, seed: 9) { FirstRow = 1 };
        part.Forward(Tensor.FromArray(batch.Span[5..20].ToArray(), 3, 5), training: true);

        Assert.Equal(wholeMask[5..20], part.Mask!.Span.ToArray());
    }

    // max |a − b| ≤ tolerance · max |a|: relative to the size of the weights, so weights near zero do not inflate it.
    internal static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float difference = RelativeDifference(expected, actual);
        Assert.True(difference <= tolerance, $"the weights differ by {difference:G3} of their largest value (allowed {tolerance:G3})");
    }

    internal static float RelativeDifference(float[] expected, float[] actual) =>
        expected.Zip(actual).Max(p => MathF.Abs(p.First - p.Second)) / expected.Max(MathF.Abs);
}
