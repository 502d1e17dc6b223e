// Golden values from another engine: ScratchNet's layers and losses against what PyTorch's engine (libtorch 2.10 through
// TorchSharp, in float64 from the same float32 inputs) computed for fixed, seeded inputs and weights: outputs, ∂L/∂input,
// every parameter gradient, and batch norm's running statistics after the step. The values live in
// tests/ScratchNet.Tests/Golden/torch-golden.safetensors (about 115 KB, read with ScratchNet's own reader); the tests never
// need TorchSharp. Regenerate the file (only when a case is added or changed) with
//   dotnet run -c Release --project bench/ScratchNet.Bench.Torch -- golden tests/ScratchNet.Tests/Golden/torch-golden.safetensors
// Tolerance: |ScratchNet − PyTorch| ≤ 1e-5·|PyTorch| + 1e-6·(the largest |PyTorch| value in the same tensor), element-wise
// (the second term is the floor for values near zero; see TorchGolden).
using ScratchNet.Kernels;
using ScratchNet.Layers;
using ScratchNet.Losses;

namespace ScratchNet.Tests.Golden;

public class TorchGoldenTests
{
    public static readonly TheoryData<string> Convolutions =
    [
        "conv_k3_same_bias", "conv_k5_same_nobias", "conv_k4_same_even", "conv_k3_s2_same", "conv_k3_s2_valid",
        "conv_k3x2_s1x2_pad1x0", "conv_groups2_same", "conv_depthwise_s2_pad1", "conv_k1_s2", "conv_k5_same_tanh_flatten",
        "conv_k3_same_bias_relu",
    ];

    public static readonly TheoryData<string> BatchNorms =
    [
        "bn2d_train", "bn2d_train_relu", "bn2d_train_tanh", "bn2d_train_momentum", "bn1d_train", "bn1d_train_relu", "bn2d_eval", "bn1d_eval",
    ];

    public static readonly TheoryData<string> Poolings =
    [
        "maxpool_2x2", "maxpool_2x2_odd", "maxpool_3x3_s2_pad1", "maxpool_2x2_same", "maxpool_3x3_s1_same", "maxpool_2x2_ties",
        "maxpool_3x3_s2_pad1_ties",
        "avgpool_2x2", "avgpool_3x3_s2_pad1", "avgpool_2x2_same", "global_avgpool",
    ];

    public static readonly TheoryData<string> Denses = ["dense_bias", "dense_nobias", "dense_relu", "dense_tanh"];

    public static readonly TheoryData<string> Activations =
    [
        "activation_relu", "activation_tanh", "activation_sigmoid", "activation_elu", "activation_elu_0.5",
        "activation_leaky_relu", "activation_leaky_relu_0.2", "activation_gelu", "activation_softmax",
    ];

    public static readonly TheoryData<string> Losses =
        ["cross_entropy_onehot", "cross_entropy_soft", "cross_entropy_large_logits", "mean_squared_error"];

    [Theory]
    [MemberData(nameof(Convolutions))]
    public void Convolution_matches_pytorch(string caseName) => LayerMatchesPyTorch(caseName);

    [Theory]
    [MemberData(nameof(BatchNorms))]
    public void Batch_norm_matches_pytorch_including_running_statistics(string caseName) => LayerMatchesPyTorch(caseName);

    [Theory]
    [MemberData(nameof(Poolings))]
    public void Pooling_matches_pytorch(string caseName) => LayerMatchesPyTorch(caseName);

    [Theory]
    [MemberData(nameof(Denses))]
    public void Dense_matches_pytorch(string caseName) => LayerMatchesPyTorch(caseName);

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation_matches_pytorch(string caseName) => LayerMatchesPyTorch(caseName);

    [Theory]
    [MemberData(nameof(Losses))]
    public void Loss_matches_pytorch(string caseName)
    {
        Loss loss = TorchGolden.Config(caseName)["op"] switch
        {
            "softmax_cross_entropy" => new SoftmaxCrossEntropy(),
            "mean_squared_error" => new MeanSquaredError(),
            string op => throw new ArgumentException($"Unknown golden loss '{op}'."),
        };
        float value = loss.Forward(TorchGolden.Get(caseName, "x"), TorchGolden.Get(caseName, "target"));
        TorchGolden.AssertMatches(caseName, "loss", new Tensor([value], 1));
        TorchGolden.AssertMatches(caseName, "dx", loss.Backward());
    }

    [Fact]
    public void Every_case_of_the_fixture_is_tested_and_every_tested_case_is_in_the_fixture()
    {
        var tested = new List<string>();
        foreach (TheoryData<string> data in new[] { Convolutions, BatchNorms, Poolings, Denses, Activations, Losses })
            tested.AddRange(data);
        tested.Sort(StringComparer.Ordinal);
        Assert.Equal(tested, TorchGolden.CaseNames.Order(StringComparer.Ordinal).ToArray());
    }

    // Builds the case's layer, loads the fixture's parameters and running statistics into it, runs one forward pass
    // (training mode unless the case says otherwise) and one backward pass of dy, and compares everything PyTorch gave;
    // at one thread and at two, where the kernels split the work (and some sums) differently.
    private static void LayerMatchesPyTorch(string caseName)
    {
        IReadOnlyDictionary<string, string> config = TorchGolden.Config(caseName);
        bool training = !config.TryGetValue("training", out string? mode) || bool.Parse(mode);
        foreach (ComputeContext compute in new[] { ComputeContext.SingleThreaded, TwoThreads })
        {
            string context = $"{compute.Threads} thread{(compute.Threads > 1 ? "s" : "")}";
            Layer layer = TorchGolden.CreateLayer(config);
            layer.Compute = compute;
            Tensor x = TorchGolden.Get(caseName, "x");
            layer.Build(x.Shape[1..]);
            foreach (var (name, parameter) in layer.NamedParameters()) parameter.Value.CopyFrom(TorchGolden.Get(caseName, name));
            foreach (var (name, buffer) in layer.NamedBuffers()) buffer.Value.CopyFrom(TorchGolden.Get(caseName, name));

            TorchGolden.AssertMatches(caseName, "y", layer.Forward(x, training), context);
            TorchGolden.AssertMatches(caseName, "dx", layer.Backward(TorchGolden.Get(caseName, "dy")), context);
            Assert.Equal(TorchGolden.Names(caseName, "grad/"), layer.NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal));
            foreach (var (name, parameter) in layer.NamedParameters()) TorchGolden.AssertMatches(caseName, "grad/" + name, parameter.Gradient, context);
            foreach (var (name, buffer) in layer.NamedBuffers()) TorchGolden.AssertMatches(caseName, "after/" + name, buffer.Value, context);
            Assert.Equal(config["op"] == "batchnorm", TorchGolden.Has(caseName, "after/running_mean"));
        }
    }

    private static readonly ComputeContext TwoThreads = new(2);
}
