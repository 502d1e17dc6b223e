using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>The trainer reaches dropout nested inside blocks: reseeded from the training seed like a top-level one.</summary>
public class NestedTrainingTests
{
    private static (float[] Mask, float[] Weights) Train(int trainingSeed)
    {
        var network = new NeuralNetwork(
            [new Residual([new Conv2D(2, 3, activation: new Tanh()), new Dropout(0.5f)], [new Conv2D(2, 1)]), new Flatten(), new Dense(2)],
            new SoftmaxCrossEntropy(), seed: 1);
        var dataset = TrainerTests.TopOrBottom(16, seed: 2);
        new Trainer(network, new Adam()).Fit(dataset, dataset, new TrainingOptions { Epochs = 1, BatchSize = 8, Seed = trainingSeed });
        var dropout = network.Layers[0].Operations.OfType<DropoutOperation>().Single();
        return (dropout.Mask!.Span.ToArray(), network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray());
    }

    [Fact]
    public void Nested_dropout_follows_the_training_seed()
    {
        var (mask, weights) = Train(trainingSeed: 5);
        var (sameMask, sameWeights) = Train(trainingSeed: 5);
        TestData.AssertBitIdentical(mask, sameMask, "mask");
        TestData.AssertBitIdentical(weights, sameWeights, "weights");
        // Only a trainer that reseeds the nested dropout makes its mask depend on the training seed.
        Assert.NotEqual(mask, Train(trainingSeed: 6).Mask);
    }
}
