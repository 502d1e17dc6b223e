using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Optimizers.Schedules;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>
/// The toolkit end to end: Conv2D → BatchNorm → ReLU → Dropout → Dense with AdamW and a warmed-up cosine schedule
/// learns the separable image set, and the same seeds give a bit-identical run (parameters and running statistics).
/// </summary>
public class ToolkitTrainingTests
{
    private static (NeuralNetwork Network, IReadOnlyList<EpochResult> History) Train()
    {
        ImageDataset train = TrainerTests.TopOrBottom(96, 1), validation = TrainerTests.TopOrBottom(40, 2);
        var network = new NeuralNetwork(
            [
                new Conv2D(4, 3, bias: false), new BatchNorm(), new ActivationLayer(new ReLU()), new Flatten(),
                new Dropout(0.25f), new Dense(8, new GELU()), new Dense(2),
            ],
            new SoftmaxCrossEntropy(), seed: 5);
        var trainer = new Trainer(network, new AdamW(0.01f));
        var schedule = new LinearWarmupSchedule(new CosineAnnealingSchedule(0.01f, 0.001f), warmupSteps: 4);
        var history = trainer.Fit(train, validation, new TrainingOptions { Epochs = 5, BatchSize = 8, Seed = 3, Schedule = schedule });
        return (network, history);
    }

    [Fact]
    public void Learns_and_is_bit_reproducible()
    {
        var (first, history) = Train();
        Assert.True(history[^1].ValidationAccuracy >= 0.95, $"validation accuracy {history[^1].ValidationAccuracy}");
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"train loss {history[0].TrainLoss} → {history[^1].TrainLoss}");

        var (second, again) = Train();
        Assert.Equal(history.Select(e => e.TrainLoss), again.Select(e => e.TrainLoss));
        foreach (var ((name, a), (_, b)) in first.NamedParameters().Zip(second.NamedParameters()))
            TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, name);
        Assert.Equal(["1.running_mean", "1.running_var"], first.NamedBuffers().Select(b => b.Name));
        foreach (var ((name, a), (_, b)) in first.NamedBuffers().Zip(second.NamedBuffers()))
            TestData.AssertBitIdentical(a.Value.Span, b.Value.Span, name);
        // The running statistics moved away from their initial 0 and 1.
        Assert.Contains(first.NamedBuffers().First().Buffer.Value.Span.ToArray(), v => v != 0f);
    }
}
