using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Models;
using ScratchNet.Onnx;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;
using ScratchNet.Serialization;
using ScratchNet.Tests.Cli;
using ScratchNet.Training;
using static ScratchNet.Tests.Cli.CliModels;

namespace ScratchNet.Tests.Onnx;

/// <summary>
/// Export then import, through the commands: the imported model file gives the original's outputs (within 1e-5) and the
/// same summary, for every preset and every kind of specification; and the graph alone (the ScratchNet architecture in
/// the metadata ignored) gives the same outputs.
/// </summary>
[Collection(nameof(InProcessCliCollection))]
public class OnnxRoundTripTests
{
    public static TheoryData<string> Models => ["seed-cnn", "mlp", "lenet5", "fashion-cnn", "fashion-cnn@3x32", "fashion-resnet", "residual.json", "concat.json", "grouped", "activations"];

    private static NeuralNetwork Create(string name)
    {
        int[] sample = name.EndsWith("@3x32") ? [3, 32, 32] : name.EndsWith(".json") ? [3, 16, 16] : [1, 28, 28];
        IReadOnlyList<Layer> layers = name switch
        {
            _ when name.EndsWith(".json") => ModelSpec.Parse(File.ReadAllText(CompositeCommandTests.SpecPath(name)), name).Layers,
            "grouped" =>
            [
                new Sequential(new Conv2D(6, 3, bias: false), new BatchNorm(activation: new ReLU())),
                new Conv2D(6, 3, groups: 3, strideWidth: 2, kernelWidth: 1, activation: new Tanh(), flatten: true), new Dense(3),
            ],
            "activations" =>
            [
                new Conv2D(4, 3, activation: new GELU()), new AvgPool2D(3, 2, Padding.Explicit(1, 1)), new Conv2D(4, 3, padding: Padding.Valid, activation: new ELU()),
                new Flatten(), new Dense(12, new LeakyReLU()), new BatchNorm(activation: new Sigmoid()), new Dense(5),
            ],
            _ => ModelPreset.Find(name.Split('@')[0]).CreateLayers(10),
        };
        var network = new NeuralNetwork(layers, new SoftmaxCrossEntropy(), seed: 5);
        network.Build(sample);
        OnnxRuntimeRunner.Randomize(network, 5);
        network.Normalization = OnnxRuntimeRunner.Standardizer(sample[0]);
        network.ClassNames = Enumerable.Range(0, network.OutputSampleShape(sample)[0]).Select(i => $"class {i}").ToArray();
        return network;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ExportThenImportGivesTheSameOutputsAndSummary(string name)
    {
        NeuralNetwork original = Create(name);
        string modelFile = NewPath(".safetensors"), onnx = NewPath(".onnx"), imported = NewPath(".safetensors");
        original.Save(modelFile);
        AssertSuccess(InProcessCli.Run("export", "--model-file", modelFile, "--onnx", onnx));
        AssertSuccess(InProcessCli.Run("import", "--onnx", onnx, "--out", imported));

        Assert.Equal(Summary(modelFile), Summary(imported));
        NeuralNetwork back = NeuralNetwork.Load(imported);
        Assert.Equal(original.ClassNames, back.ClassNames);
        Assert.Equal(original.Normalization, back.Normalization);
        AssertSameOutputs(original, back);

        // The graph alone, without the architecture the exporter keeps in the metadata: other layers, the same function.
        var graphOnly = OnnxImporter.Import(File.ReadAllBytes(onnx), new OnnxImportOptions { UseScratchNetArchitecture = false }).Network;
        AssertSameOutputs(original, graphOnly);
    }

    // The summary's table and totals (its first line names the file).
    private static string[] Summary(string modelFile)
    {
        var result = InProcessCli.Run("summary", "--model-file", modelFile);
        AssertSuccess(result);
        return result.Output.Split('\n')[1..];
    }

    /// <summary>Both networks on the same raw pixels, each with its own normalisation: outputs within 1e-5 (relative above 1).</summary>
    internal static void AssertSameOutputs(NeuralNetwork expected, NeuralNetwork actual, int batch = 3)
    {
        int[] shape = [batch, .. expected.Layers[0].InputSampleShape];
        float[] raw = OnnxRuntimeRunner.RawPixels(shape.Aggregate(1, (a, d) => a * d), seed: 11);
        float[] want = Outputs(expected, raw, shape), got = Outputs(actual, raw, shape);
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= 1e-5 * Math.Max(1, Math.Abs(want[i])), $"output {i}: {got[i]} instead of {want[i]}");
        Assert.Contains(want, v => Math.Abs(v) > 1e-3);
    }

    private static float[] Outputs(NeuralNetwork network, float[] raw, int[] shape)
    {
        var input = new Tensor((float[])raw.Clone(), shape);
        network.Normalization?.ApplyInPlace(input);
        return network.Predict(input).Span.ToArray();
    }
}
