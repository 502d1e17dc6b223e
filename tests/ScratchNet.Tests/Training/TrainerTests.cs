using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>End-to-end training on a tiny separable image set: it learns, it is reproducible, and divergence is reported.</summary>
public class TrainerTests
{
    /// <summary>
    /// 4×4 grey images of two classes: class 0 has a bright top half, class 1 a bright bottom half,
    /// with uniform noise on every pixel.
    /// </summary>
    internal static ImageDataset TopOrBottom(int count, int seed)
    {
        var random = new Random(seed);
        var images = new Tensor(count, 1, 4, 4);
        int[] labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                bool bright = labels[n] == 0 ? y < 2 : y >= 2;
                images[((n * 4) + y) * 4 + x] = (bright ? 1f : -1f) + (float)(random.NextDouble() - 0.5) * 0.6f;
            }
        }
        return new ImageDataset(images, labels, ["top", "bottom"]);
    }

    private static NeuralNetwork SmallConvNet(int threads, int seed = 1) => new(
        [new Conv2D(4, 3, activation: new Tanh(), flatten: true), new Dense(2)],
        new SoftmaxCrossEntropy(), seed) { Threads = threads };

    private static readonly TrainingOptions Options = new() { Epochs = 4, BatchSize = 8, Seed = 3 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Small_conv_net_learns_a_separable_image_set(int threads)
    {
        ImageDataset train = TopOrBottom(96, 1), validation = TopOrBottom(40, 2);
        NeuralNetwork network = SmallConvNet(threads);
        var trainer = new Trainer(network, new SGDMomentum(0.05f, 0.9f));
        Evaluation before = Evaluation.Run(network, validation);

        var epochs = new List<EpochResult>();
        trainer.EpochCompleted += epochs.Add;
        IReadOnlyList<EpochResult> history = trainer.Fit(train, validation, Options);

        Assert.Equal(Options.Epochs, history.Count);
        Assert.Equal(history, epochs);
        Assert.Equal([1, 2, 3, 4], history.Select(e => e.Epoch));
        Assert.All(history, e => Assert.NotNull(e.ValidationAccuracy));
        Assert.Equal(1.0, history[^1].ValidationAccuracy);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"train loss {history[0].TrainLoss} → {history[^1].TrainLoss}");
        Assert.True(history[^1].ValidationLoss < before.Loss, $"validation loss {before.Loss} → {history[^1].ValidationLoss}");
        Assert.True(history[^1].ValidationLoss < 0.2, $"validation loss {history[^1].ValidationLoss}");

        Evaluation after = Evaluation.Run(network, validation, batchSize: 7);
        Assert.Equal(history[^1].ValidationAccuracy, after.Accuracy);
        Assert.Equal(history[^1].ValidationLoss!.Value, after.Loss, 1e-5);
    }

    [Fact]
    public void Same_seeds_and_threads_give_bit_identical_runs()
    {
        ImageDataset train = TopOrBottom(64, 4), validation = TopOrBottom(16, 5);
        (NeuralNetwork Network, IReadOnlyList<EpochResult> History) Run()
        {
            NeuralNetwork network = SmallConvNet(threads: 2, seed: 7);
            var history = new Trainer(network, new SGDMomentum(0.05f, 0.9f)).Fit(train, validation, Options with { BatchSize = 16 });
            return (network, history);
        }
        var first = Run();
        var second = Run();

        Assert.Equal(first.History.Select(e => e.TrainLoss), second.History.Select(e => e.TrainLoss));
        Assert.Equal(first.History.Select(e => e.ValidationLoss), second.History.Select(e => e.ValidationLoss));
        Assert.Equal(first.History.Select(e => e.ValidationAccuracy), second.History.Select(e => e.ValidationAccuracy));
        Assert.Equal(first.Network.Parameters.Count, second.Network.Parameters.Count);
        for (int i = 0; i < first.Network.Parameters.Count; i++)
            TestData.AssertBitIdentical(first.Network.Parameters[i].Value.Span, second.Network.Parameters[i].Value.Span, $"parameter {i}");

        // A different shuffling seed takes a different path.
        NeuralNetwork other = SmallConvNet(threads: 2, seed: 7);
        new Trainer(other, new SGDMomentum(0.05f, 0.9f)).Fit(train, validation, Options with { BatchSize = 16, Seed = 99 });
        Assert.NotEqual(first.Network.Parameters[0].Value.Span.ToArray(), other.Parameters[0].Value.Span.ToArray());
    }

    [Fact]
    public void A_huge_learning_rate_diverges_with_an_actionable_message()
    {
        ImageDataset train = TopOrBottom(64, 6), validation = TopOrBottom(8, 7);
        var network = new NeuralNetwork(
            [new Conv2D(4, 3, activation: new ReLU(), flatten: true) { WeightInit = WeightInit.Standard }, new Dense(2) { WeightInit = WeightInit.Standard }],
            new SoftmaxCrossEntropy());
        var trainer = new Trainer(network, new SGD(1e6f));
        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(train, validation, Options));
        Assert.Contains("lower learning rate", exception.Message);
        Assert.Equal(1, exception.Epoch);
        Assert.True(exception.Batch >= 1);
    }

    [Fact]
    public void Batch_progress_is_reported_for_every_batch()
    {
        ImageDataset train = TopOrBottom(20, 8), validation = TopOrBottom(4, 9);
        var trainer = new Trainer(SmallConvNet(1), new SGD(0.01f));
        var progress = new List<BatchProgress>();
        trainer.BatchCompleted += progress.Add;
        trainer.Fit(train, validation, new TrainingOptions { Epochs = 1, BatchSize = 8 });
        Assert.Equal([1, 2, 3], progress.Select(p => p.Batch));
        Assert.All(progress, p => Assert.Equal(3, p.Batches));
        Assert.Equal([8, 16, 20], progress.Select(p => p.Images));
    }

    [Fact]
    public void A_batch_size_of_int_max_is_one_batch_of_everything()
    {
        ImageDataset train = TopOrBottom(20, 8), validation = TopOrBottom(4, 9);
        var trainer = new Trainer(SmallConvNet(1), new SGD(0.01f));
        var progress = new List<BatchProgress>();
        trainer.BatchCompleted += progress.Add;
        trainer.Fit(train, validation, new TrainingOptions { Epochs = 1, BatchSize = int.MaxValue });
        Assert.Equal([20], progress.Select(p => p.Images)); // the batch count once overflowed to 0: nothing was trained
    }

    [Fact]
    public void A_warm_up_of_int_max_epochs_does_not_overflow()
    {
        var schedule = OptimizerCatalog.CreateSchedule("constant", 0.1f, 0.001f, epochs: 1, warmupEpochs: int.MaxValue, batchesPerEpoch: 3);
        Assert.NotNull(schedule);
    }

    [Fact]
    public void Training_options_are_validated_with_the_value()
    {
        var trainer = new Trainer(SmallConvNet(1), new SGD(0.01f));
        ImageDataset data = TopOrBottom(4, 10);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, data, new TrainingOptions { BatchSize = 0 }));
        Assert.Contains("BatchSize", exception.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, data, new TrainingOptions { Epochs = -2 }));
    }
}
