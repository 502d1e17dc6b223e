using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Operations;

/// <summary>
/// The operation profiler: every forward and backward call of every operation while recording, nothing after.
/// The profile is process-wide and other test classes run meanwhile, so these tests look only at their own operations.
/// </summary>
public class OperationProfileTests
{
    private static NeuralNetwork SmallNetwork()
    {
        var network = new NeuralNetwork([new Conv2D(4, 3, activation: new ReLU(), flatten: true), new Dense(3)], new SoftmaxCrossEntropy(), seed: 5);
        network.Build([1, 6, 6]);
        return network;
    }

    [Fact]
    public void Records_each_operation_forward_and_backward_in_forward_order()
    {
        NeuralNetwork network = SmallNetwork();
        Tensor x = TestData.Uniform(1, 8, 1, 6, 6);
        var labels = new Tensor(8, 3);
        for (int n = 0; n < 8; n++) labels[n * 3 + n % 3] = 1;
        Operation[] operations = network.Layers.SelectMany(l => l.Operations).ToArray();

        OperationProfile profile;
        using (profile = OperationProfile.Record())
        {
            network.TrainBatch(x, labels);
            network.TrainBatch(x, labels);
            network.Forward(x);
        }
        network.Forward(x);   // after recording stopped: not counted

        foreach (Operation op in operations)
        {
            OperationProfile.Entry entry = profile.Find(op) ?? throw new Xunit.Sdk.XunitException($"{op.Name} was not recorded");
            Assert.Equal(3, entry.ForwardCalls);
            Assert.Equal(2, entry.BackwardCalls);
            Assert.True(entry.Forward >= TimeSpan.Zero && entry.Backward >= TimeSpan.Zero);
        }
        var mine = profile.Entries.Where(e => operations.Contains(e.Operation)).Select(e => e.Operation).ToArray();
        Assert.Equal(operations, mine);
        Assert.True(profile.Entries.Where(e => operations.Contains(e.Operation)).Sum(e => e.Forward.Ticks) > 0);
    }

    [Fact]
    public void One_profile_records_at_a_time_and_disposing_ends_it()
    {
        using (OperationProfile.Record())
        {
            var error = Assert.Throws<InvalidOperationException>(() => OperationProfile.Record());
            Assert.Contains("already recording", error.Message);
        }
        using var next = OperationProfile.Record();   // the first one ended, so a new one may start
        Assert.Null(next.Find(new ReLU()));
    }

    [Fact]
    public void A_fused_forward_runs_the_batch_norm_inside_the_convolution()
    {
        // NeuralNetwork.Infer fuses a convolution with the batch norm after it: the batch norm's own operation does not run.
        NeuralNetwork network = ScratchNet.Tests.Training.InferTests.Trained([new Conv2D(16, 3, bias: false), new BatchNorm(activation: new ReLU()), new Flatten(), new Dense(3)], [16, 6, 6], 1);
        Operation norm = network.Layers[1].Operations[0];
        Tensor x = TestData.Uniform(31, 2, 16, 6, 6);
        using (var profile = OperationProfile.Record())
        {
            network.Infer(x);
            Assert.Null(profile.Find(norm));
            Assert.NotNull(profile.Find(network.Layers[0].Operations[0]));
        }
    }
}
