using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;

namespace ScratchNet.Tests.Training;

/// <summary>
/// NeuralNetwork.Infer fuses each convolution with the batch norm after it; its outputs must be Forward(training: false)'s,
/// bit for bit, and it must leave nothing behind that changes a later training step.
/// </summary>
public class InferTests
{
    public static TheoryData<string, int> Presets()
    {
        var data = new TheoryData<string, int>();
        foreach (ModelPreset preset in ModelPreset.All)
            foreach (int threads in new[] { 1, 2 }) data.Add(preset.Name, threads);
        return data;
    }

    // A network whose batch norms hold running statistics other than the initial 0 and 1, as after training.
    internal static NeuralNetwork Trained(IEnumerable<Layer> layers, int[] sample, int threads)
    {
        var network = new NeuralNetwork(layers, new SoftmaxCrossEntropy(), seed: 3) { Threads = threads };
        network.Build(sample);
        var random = new Random(4);
        foreach (var (name, buffer) in network.NamedBuffers())
            for (int i = 0; i < buffer.Value.Length; i++)
                buffer.Value.Span[i] = name.EndsWith("running_var", StringComparison.Ordinal) ? 0.5f + (float)random.NextDouble() : (float)(random.NextDouble() - 0.5);
        foreach (var (name, p) in network.NamedParameters())
            if (name.EndsWith("bias", StringComparison.Ordinal) || p.Value.Rank == 1)
                for (int i = 0; i < p.Value.Length; i++) p.Value.Span[i] += (float)(random.NextDouble() - 0.5);
        return network;
    }

    private static void AssertInferIsForward(NeuralNetwork network, int[] sample)
    {
        foreach (int batch in new[] { 1, 5 })
        {
            Tensor x = TestData.Uniform(9 + batch, [batch, .. sample]);
            float[] expected = network.Forward(x, training: false).Span.ToArray();
            float[] fused = network.Infer(x).Span.ToArray();
            TestData.AssertBitIdentical(expected, fused, $"Infer against Forward, batch {batch}");
            TestData.AssertBitIdentical(expected, network.Predict(x).Span, "Predict");
        }
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Every_preset_infers_exactly_what_forward_gives(string name, int threads)
    {
        ModelPreset preset = ModelPreset.Find(name);
        AssertInferIsForward(Trained(preset.CreateNetwork(seed: 3).Layers.Select(l => l), [1, 28, 28], threads), [1, 28, 28]);
    }

    [Theory]
    [InlineData("residual.json")]
    [InlineData("concat.json")]
    public void Nested_blocks_infer_exactly_what_forward_gives(string spec)
    {
        string path = CompositeCommandTests.SpecPath(spec);
        var (layers, _) = ModelSpec.Parse(File.ReadAllText(path), path);
        AssertInferIsForward(Trained(layers, [1, 28, 28], 2), [1, 28, 28]);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("linear")]
    public void Both_conv_paths_fuse_with_each_batch_norm_activation(string activation)
    {
        // 16 channels at 3×3 stride 1 run Winograd's forward, 8 channels and stride 2 run im2col's.
        Operation Act() => activation switch { "relu" => new ReLU(), "tanh" => new Tanh(), "sigmoid" => new Sigmoid(), _ => new Linear() };
        Layer[] layers =
        [
            new Conv2D(16, 3, bias: false), new BatchNorm(activation: Act()),
            new Conv2D(16, 3, bias: false), new BatchNorm(activation: Act()),
            new Conv2D(8, 3, stride: 2, bias: false), new BatchNorm(activation: Act()),
            new Flatten(), new Dense(4),
        ];
        AssertInferIsForward(Trained(layers, [3, 12, 10], 2), [3, 12, 10]);
    }

    [Fact]
    public void Convolutions_fuse_their_own_bias_and_activation()
    {
        // Bias + ReLU (BiasActivation) on both conv paths, tanh without bias then flatten, and sigmoid, which is not fused.
        Layer[] layers =
        [
            new Conv2D(16, 3, activation: new ReLU()), new Conv2D(16, 3, activation: new ReLU()), new Conv2D(8, 3, stride: 2, activation: new Sigmoid()),
            new Conv2D(16, 3, bias: false, activation: new Tanh()), new Conv2D(4, 3, bias: false, activation: new Tanh(), flatten: true), new Dense(3),
        ];
        AssertInferIsForward(Trained(layers, [2, 11, 9], 2), [2, 11, 9]);
    }

    [Fact]
    public void Training_after_inference_is_unchanged()
    {
        // Infer skips the batch norms' caches; the next training step must not notice.
        NeuralNetwork Network() => Trained(ModelPreset.Find("fashion-cnn").CreateNetwork(seed: 3).Layers, [1, 28, 28], 2);
        Tensor x = TestData.Uniform(21, 6, 1, 28, 28);
        var labels = new Tensor(6, 10);
        for (int n = 0; n < 6; n++) labels[n * 10 + n] = 1;
        NeuralNetwork plain = Network(), inferred = Network();
        inferred.Infer(TestData.Uniform(22, 3, 1, 28, 28));
        Assert.Equal(plain.TrainBatch(x, labels), inferred.TrainBatch(x, labels));
        foreach (var ((_, a), (_, b)) in plain.NamedParameters().Zip(inferred.NamedParameters()))
            TestData.AssertBitIdentical(a.Gradient.Span, b.Gradient.Span, "gradients");
    }
}
