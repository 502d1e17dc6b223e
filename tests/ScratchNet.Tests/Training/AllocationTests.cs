using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Models;
using ScratchNet.Optimizers;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>After warm-up a training step reuses every buffer: (next to) nothing is allocated on the calling thread.</summary>
public sealed class AllocationTests
{
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("seed-cnn", 1)]
    [InlineData("seed-cnn", 2)]
    [InlineData("fashion-cnn", 2)]
    public void A_training_step_allocates_nothing_after_warm_up(string model, int threads)
    {
        AssertNoAllocation(ModelPreset.Find(model).CreateNetwork(seed: 1), threads);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_residual_and_concatenating_network_allocates_nothing_after_warm_up(int threads)
    {
        var network = new NeuralNetwork(
            [
                new Conv2D(8, 3, bias: false), new BatchNorm(activation: new ReLU()),
                new Residual([new Conv2D(16, 3, stride: 2, bias: false), new BatchNorm(activation: new ReLU()), new Dropout(0.1f), new Conv2D(16, 3, bias: false), new BatchNorm()],
                    [new Conv2D(16, 1, stride: 2, bias: false), new BatchNorm()], new ReLU()),
                new Residual([new Sequential(new Conv2D(16, 3, activation: new ReLU()))], activation: new ReLU()),
                new Concat([[], [new Conv2D(8, 1, activation: new ReLU())], [new MaxPool2D(3, stride: 1, padding: Padding.Same)]]),
                new GlobalAvgPool2D(), new Dense(10),
            ],
            new SoftmaxCrossEntropy(), seed: 1);
        AssertNoAllocation(network, threads);
    }

    private static void AssertNoAllocation(NeuralNetwork network, int threads)
    {
        network.Threads = threads;
        Tensor x = TestData.Uniform(1, 64, 1, 28, 28), y = TestData.OneHot(2, 64, 10);
        var optimizer = new Adam();
        for (int i = 0; i < 3; i++) Step();
        // Zero in a quiet process. Under load, one-time runtime work can land on this thread during a window (the wait
        // handle's lock object the first time a wait blocks, 24 bytes; the tiered JIT's switch-over of a hot method, which
        // a busy machine delays: 1–3 KB seen while other tests kept both cores busy): a window is retried up to five
        // times. A step that allocates in steady state fails every window.
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated > 64; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) Step();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.InRange(allocated, 0, 64);

        void Step()
        {
            network.TrainBatch(x, y);
            optimizer.Step(network.Parameters);
        }
    }
}
