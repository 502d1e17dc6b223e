using Microsoft.ML.OnnxRuntime;
using ScratchNet.Layers;
using ScratchNet.Onnx;
using ScratchNet.Operations.Activations;
using ScratchNet.Training;

namespace ScratchNet.Tests.Onnx;

public class OnnxImportTests
{
    [Fact]
    public void PyTorchStyleFileImportsAndMatchesOnnxRuntime()
    {
        byte[] bytes = OnnxHandWritten.Bytes(OnnxHandWritten.PyTorchStyle());
        var result = OnnxImporter.Import(bytes);
        NeuralNetwork network = result.Network;

        // conv1+relu, maxpool, residual(conv, bn) + relu, flatten, fc1 with GELU, fc2.
        Assert.Collection(network.Layers,
            l => Assert.IsType<ReLU>(Assert.IsType<Conv2D>(l).Activation),
            l => Assert.IsType<MaxPool2D>(l),
            l =>
            {
                var r = Assert.IsType<Residual>(l);
                Assert.IsType<ReLU>(r.Activation);
                Assert.Equal(2, r.Body.Count);
                Assert.Empty(r.Shortcut);
            },
            l => Assert.IsType<Flatten>(l),
            l => Assert.IsType<GELU>(Assert.IsType<Dense>(l).Activation),
            l => Assert.Equal(3, Assert.IsType<Dense>(l).Neurons));
        Assert.Equal([72.9f], network.Normalization!.Mean);
        Assert.Equal([90f], network.Normalization.Std);
        Assert.Null(network.ClassNames);

        using var session = new InferenceSession(bytes);
        foreach (int batch in new[] { 4, 1 })
        {
            int[] shape = [batch, 1, 8, 8];
            float[] raw = OnnxRuntimeRunner.RawPixels(batch * 64, seed: batch);
            float[] expected = OnnxRuntimeRunner.Run(session, raw, shape);
            var input = new Tensor(raw, shape);
            network.Normalization.ApplyInPlace(input);
            float[] actual = network.Predict(input).Span.ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"output {i}: {actual[i]} vs ONNX Runtime {expected[i]}");
            Assert.Contains(expected, v => Math.Abs(v) > 1e-2);
        }
    }

    [Fact]
    public void ShapeFromAnInitializerAndNoNormalizationAndFinalSoftmax()
    {
        // Reshape's shape as an int64 initializer [0, -1]; no Sub/Div: the model takes raw pixels; a final Softmax is left out.
        OnnxGraph g = OnnxHandWritten.Graph([2, 3, 3], 2);
        g.Initializers.Add(OnnxTensor.Int64s("onnx::Reshape_5", [2], [0, -1]));
        g.Initializers.Add(new OnnxTensor("fc.weight", [2, 18], OnnxHandWritten.Values(36, 3)));
        g.Nodes.Add(OnnxHandWritten.Node("Reshape", "/Reshape", ["input", "onnx::Reshape_5"], "/Reshape_output_0"));
        g.Nodes.Add(OnnxHandWritten.Node("Gemm", "/fc/Gemm", ["/Reshape_output_0", "fc.weight"], "/fc/Gemm_output_0", OnnxAttribute.Int("transB", 1)));
        g.Nodes.Add(OnnxHandWritten.Node("Softmax", "/Softmax", ["/fc/Gemm_output_0"], "logits", OnnxAttribute.Int("axis", 1)));
        var result = OnnxImporter.Import(OnnxHandWritten.Bytes(g));
        Assert.Null(result.Network.Normalization);
        Assert.Contains(result.Notes, n => n.Contains("Softmax was left out"));
        Assert.Collection(result.Network.Layers, l => Assert.IsType<Flatten>(l), l => Assert.False(Assert.IsType<Dense>(l).HasBias));
    }

    [Fact]
    public void ConcatOfBranchesBecomesAConcatLayer()
    {
        OnnxGraph g = OnnxHandWritten.Graph([2, 4, 4], 3);
        g.Initializers.Add(new OnnxTensor("a.weight", [3, 2, 1, 1], OnnxHandWritten.Values(6, 1)));
        g.Initializers.Add(new OnnxTensor("fc.weight", [3, 5], OnnxHandWritten.Values(15, 2)));
        g.Nodes.AddRange(
        [
            OnnxHandWritten.Node("Conv", "/a/Conv", ["input", "a.weight"], "a", OnnxAttribute.Ints("kernel_shape", 1, 1)),
            OnnxHandWritten.Node("Concat", "/Concat", ["a", "input"], "cat", OnnxAttribute.Int("axis", 1)),
            OnnxHandWritten.Node("GlobalAveragePool", "/gap", ["cat"], "gap"),
            OnnxHandWritten.Node("Flatten", "/Flatten", ["gap"], "flat", OnnxAttribute.Int("axis", 1)),
            OnnxHandWritten.Node("Gemm", "/fc/Gemm", ["flat", "fc.weight"], "logits", OnnxAttribute.Int("transB", 1)),
        ]);
        NeuralNetwork network = OnnxImporter.Import(OnnxHandWritten.Bytes(g), new OnnxImportOptions { InputShape = [2, 4, 4] }).Network;
        var concat = Assert.IsType<Concat>(network.Layers[0]);
        Assert.Single(concat.Branches[0]);
        Assert.Empty(concat.Branches[1]);
        Assert.IsType<GlobalAvgPool2D>(network.Layers[1]);
        using var session = new InferenceSession(OnnxHandWritten.Bytes(g));
        float[] raw = OnnxRuntimeRunner.RawPixels(2 * 32, 4).Select(v => v / 100).ToArray();
        float[] expected = OnnxRuntimeRunner.Run(session, raw, [2, 2, 4, 4]);
        float[] actual = network.Predict(new Tensor(raw, [2, 2, 4, 4])).Span.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }
}
