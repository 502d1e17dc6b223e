using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Kernels;

/// <summary>
/// The thread count is bounded, and per-worker scratch is sized by the workers a batch really uses: a high
/// --threads on a small model costs no memory (it once took 7× the memory of one thread, and int.MaxValue ran out).
/// </summary>
public sealed class ThreadCountTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(ComputeContext.MaxThreads + 1)]
    [InlineData(int.MaxValue)]
    public void ComputeContext_ThreadCountOutsideOneToMax_Refused(int threads)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeContext(threads));
        Assert.Contains($"1 to {ComputeContext.MaxThreads}", e.Message);
    }

    [Fact]
    public void TrainingStep_MaxThreadsOnASmallBatch_AllocatesAsMuchAsOneThread()
    {
        long oneThread = FirstStepAllocation(threads: 1);
        long maxThreads = FirstStepAllocation(threads: ComputeContext.MaxThreads);

        // Two images use two workers at most: one more im2col buffer and gradient accumulator, not 255 more.
        Assert.True(maxThreads < oneThread * 3 / 2, $"{maxThreads} bytes with {ComputeContext.MaxThreads} threads, {oneThread} with one.");
    }

    [Fact]
    public void TrainingStep_SameSeedAndThreads_BitIdentical()
    {
        float[] first = Gradients(threads: 3), second = Gradients(threads: 3);
        TestData.AssertBitIdentical(first, second, "gradients of two runs with 3 threads");
    }

    // A convolution (per-worker im2col scratch) and a batch normalisation (per-worker plane scratch), 2 images.
    private static NeuralNetwork Network(int threads)
    {
        var network = new NeuralNetwork(
            [new Conv2D(8, 3, bias: false), new BatchNorm(activation: new ReLU()), new Flatten(), new Dense(4)],
            new SoftmaxCrossEntropy(), seed: 5);
        network.Threads = threads;
        network.Build([1, 16, 16]);
        return network;
    }

    private static long FirstStepAllocation(int threads)
    {
        NeuralNetwork network = Network(threads);
        Tensor x = TestData.Uniform(1, 2, 1, 16, 16), y = TestData.OneHot(2, 2, 4);
        long before = GC.GetAllocatedBytesForCurrentThread();
        network.TrainBatch(x, y);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static float[] Gradients(int threads)
    {
        NeuralNetwork network = Network(threads);
        network.TrainBatch(TestData.Uniform(1, 64, 1, 16, 16), TestData.OneHot(2, 64, 4));
        return network.Parameters.SelectMany(p => p.Gradient.Span.ToArray()).ToArray();
    }
}
