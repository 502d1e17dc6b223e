using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Onnx;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;

namespace ScratchNet.Tests.Onnx;

public class OnnxExportTests
{
    private static NeuralNetwork Built(IEnumerable<Layer> layers, int[] sampleShape, int seed = 7)
    {
        var network = new NeuralNetwork(layers, new SoftmaxCrossEntropy(), seed);
        network.Build(sampleShape);
        OnnxRuntimeRunner.Randomize(network, seed);
        network.Normalization = OnnxRuntimeRunner.Standardizer(sampleShape[0]);
        return network;
    }

    [Theory]
    [InlineData("seed-cnn", 1, 28)]
    [InlineData("mlp", 1, 28)]
    [InlineData("lenet5", 1, 28)]
    [InlineData("fashion-cnn", 1, 28)]
    [InlineData("fashion-cnn", 3, 32)]
    public void EveryPresetMatchesOnnxRuntime(string preset, int channels, int size)
    {
        NeuralNetwork network = ModelPreset.Find(preset).CreateNetwork(seed: 3);
        network.Build([channels, size, size]);
        OnnxRuntimeRunner.Randomize(network, 3);
        network.Normalization = OnnxRuntimeRunner.Standardizer(channels);
        OnnxRuntimeRunner.AssertMatches(network);
    }

    [Theory]
    [InlineData("residual.json")]
    [InlineData("concat.json")]
    public void SpecModelsMatchOnnxRuntime(string spec)
    {
        string path = CompositeCommandTests.SpecPath(spec);
        var (layers, _) = ModelSpec.Parse(File.ReadAllText(path), path);
        OnnxRuntimeRunner.AssertMatches(Built(layers, [3, 16, 16]));
    }

    public static TheoryData<string> Activations => ["relu", "tanh", "sigmoid", "linear", "leaky", "elu", "gelu", "softmax"];

    private static Operation Activation(string name) => name switch
    {
        "relu" => new ReLU(),
        "tanh" => new Tanh(),
        "sigmoid" => new Sigmoid(),
        "linear" => new Linear(),
        "leaky" => new LeakyReLU(0.2f),
        "elu" => new ELU(0.7f),
        "gelu" => new GELU(),
        _ => new Softmax(),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryActivationMatchesOnnxRuntime(string name)
    {
        // Each activation fused into a convolution, a dense layer and a dense batch norm, and as a layer of its own.
        bool elementWise = name != "softmax";
        Layer[] layers =
        [
            new Conv2D(4, 3, activation: elementWise ? Activation(name) : new ReLU()), new MaxPool2D(2),
            new Conv2D(4, 3, padding: Padding.Explicit(1, 0, 2, 1), stride: 2, activation: elementWise ? Activation(name) : null),
            new Flatten(), new Dense(12, Activation(name)), new BatchNorm(activation: Activation(name)), new Dense(5), new ActivationLayer(Activation(name)),
        ];
        OnnxRuntimeRunner.AssertMatches(Built(layers, [2, 9, 10]));
    }

    [Theory]
    [InlineData(2, null, "valid")]
    [InlineData(3, 1, "same")]
    [InlineData(3, 2, "1,1")]
    public void BothPoolingKindsMatchOnnxRuntime(int pool, int? stride, string padding)
    {
        // Average pooling with padding divides by the whole window, as ScratchNet does (count_include_pad).
        Layer[] layers =
        [
            new Conv2D(3, 3, activation: new ReLU()), new AvgPool2D(pool, stride, Padding.Parse(padding)),
            new MaxPool2D(pool, stride, Padding.Parse(padding)), new BatchNorm(), new GlobalAvgPool2D(), new Dropout(0.5f), new Dense(4),
        ];
        OnnxRuntimeRunner.AssertMatches(Built(layers, [2, 11, 11]));
    }

    [Fact]
    public void GroupedConvolutionsAndSequentialBlocksMatchOnnxRuntime()
    {
        Layer[] layers =
        [
            new Sequential(new Conv2D(6, 3, bias: false), new BatchNorm(activation: new ReLU())),
            new Conv2D(6, 3, groups: 3, strideWidth: 2, kernelWidth: 1, activation: new Tanh(), flatten: true), new Dense(3),
        ];
        OnnxRuntimeRunner.AssertMatches(Built(layers, [3, 8, 8]));
    }

    [Fact]
    public void ProbabilitiesAndNoNormalizationOptionsMatch()
    {
        NeuralNetwork network = Built(ModelPreset.SeedCnn.CreateLayers(10), [1, 28, 28]);
        OnnxRuntimeRunner.AssertMatches(network, new OnnxExportOptions { Probabilities = true });
        OnnxRuntimeRunner.AssertMatches(network, new OnnxExportOptions { IncludeNormalization = false });

        using var session = new InferenceSession(OnnxRuntimeRunner.Export(network, new OnnxExportOptions { Probabilities = true, IncludeNormalization = false }));
        Assert.Equal("probabilities", Assert.Single(session.OutputNames));
        Assert.Equal("standardised", session.ModelMetadata.CustomMetadataMap[OnnxExporter.InputKey]);
        float[] probabilities = OnnxRuntimeRunner.Run(session, OnnxRuntimeRunner.RawPixels(3 * 784, 1), [3, 1, 28, 28]);
        for (int row = 0; row < 3; row++) Assert.Equal(1f, probabilities.AsSpan(row * 10, 10).ToArray().Sum(), 4);
    }

    [Fact]
    public void ModelDeclaresDynamicBatchOpsetAndClassNames()
    {
        NeuralNetwork network = Built(ModelPreset.Mlp.CreateLayers(3), [1, 4, 4]);
        network.ClassNames = ["T-shirt/top", "Trouser, long", "Bag \"x\""];
        using var session = new InferenceSession(OnnxRuntimeRunner.Export(network));

        var input = session.InputMetadata["input"];
        Assert.Equal([-1, 1, 4, 4], input.Dimensions);
        Assert.Equal("N", input.SymbolicDimensions[0]);
        Assert.Equal([-1, 3], session.OutputMetadata["logits"].Dimensions);
        Assert.Equal("ScratchNet", session.ModelMetadata.ProducerName);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(network.ClassNames, JsonSerializer.Deserialize<string[]>(metadata[OnnxExporter.ClassNamesKey]));
        Assert.Equal("raw pixels 0-255", metadata[OnnxExporter.InputKey]);
    }

    [Fact]
    public void WrittenFileHasTheOpsetAndIrVersion()
    {
        // The header fields as bytes: ir_version (field 1, varint) = 8 first; opset_import (field 8) ends with version 17.
        byte[] bytes = OnnxRuntimeRunner.Export(Built([new Flatten(), new Dense(2)], [1, 2, 2]));
        Assert.Equal(new byte[] { 0x08, 8 }, bytes[..2]);
        Assert.Contains("\u0010\u0011", System.Text.Encoding.Latin1.GetString(bytes));   // OperatorSetIdProto.version = 17
    }

    private sealed class Unknown : Layer
    {
        public override string Name => "MyCustomLayer";
        protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random) => [new FlattenOperation()];
        protected override int[] ComputeOutputShape(int[] inputShape) => [inputShape[0], inputShape[1..].Aggregate(1, (a, d) => a * d)];
    }

    [Fact]
    public void UnknownLayerIsAnErrorNamingIt()
    {
        NeuralNetwork network = Built([new Conv2D(2, 3), new Residual([new Conv2D(2, 3)]), new Sequential(new Unknown()), new Dense(2)], [1, 5, 5]);
        var error = Assert.Throws<OnnxExportException>(() => OnnxRuntimeRunner.Export(network));
        Assert.Contains("layer 2.0 (MyCustomLayer", error.Message);

        string path = CliModels.NewPath(".onnx");
        Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(network, path));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void UnbuiltNetworkOrMismatchedNormalizationIsAnError()
    {
        var unbuilt = ModelPreset.Mlp.CreateNetwork();
        Assert.Contains("not built", Assert.Throws<OnnxExportException>(() => OnnxRuntimeRunner.Export(unbuilt)).Message);

        NeuralNetwork network = Built(ModelPreset.Mlp.CreateLayers(2), [1, 4, 4]);
        network.Normalization = OnnxRuntimeRunner.Standardizer(3);
        Assert.Contains("3 channel(s)", Assert.Throws<OnnxExportException>(() => OnnxRuntimeRunner.Export(network)).Message);
        OnnxRuntimeRunner.AssertMatches(network, new OnnxExportOptions { IncludeNormalization = false });
    }
}
