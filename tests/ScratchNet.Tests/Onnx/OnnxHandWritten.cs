using ScratchNet.Onnx;

namespace ScratchNet.Tests.Onnx;

/// <summary>ONNX files written node by node in the tests, named the way PyTorch's exporter names things.</summary>
internal static class OnnxHandWritten
{
    /// <summary>Seeded values in [−scale, scale).</summary>
    public static float[] Values(int count, int seed, float scale = 0.3f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (random.NextSingle() * 2 - 1) * scale).ToArray();
    }

    /// <summary>The bytes of a model with <paramref name="graph"/>.</summary>
    public static byte[] Bytes(OnnxGraph graph)
    {
        using var stream = new MemoryStream();
        new OnnxModel(graph).WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>A graph with input "input" [N, C, H, W] and output "logits" [N, classes].</summary>
    public static OnnxGraph Graph(int[] sample, int classes)
    {
        var graph = new OnnxGraph("main_graph");
        graph.Inputs.Add(new OnnxValueInfo("input", sample));
        graph.Outputs.Add(new OnnxValueInfo("logits", [classes]));
        return graph;
    }

    public static OnnxNode Node(string op, string name, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        new(op, name, inputs, [output], attributes);

    /// <summary>
    /// A small network as torch.onnx.export writes a module with conv1, relu, pool, a residual layer1 (conv, bn, "+ x",
    /// relu), a flatten by Reshape with a Constant shape, fc1 as MatMul + Add then exact GELU, and fc2 as Gemm; its
    /// normalisation as Sub and Div at the input. 1×8×8 images, 3 classes.
    /// </summary>
    public static OnnxGraph PyTorchStyle()
    {
        OnnxGraph g = Graph([1, 8, 8], 3);
        void Init(string name, int[] dims, float[] values) => g.Initializers.Add(new OnnxTensor(name, dims, values));
        Init("onnx::Sub_30", [1, 1, 1, 1], [72.9f]);
        Init("onnx::Div_31", [1, 1, 1, 1], [90.0f]);
        Init("conv1.weight", [4, 1, 3, 3], Values(36, 1));
        Init("conv1.bias", [4], Values(4, 2));
        Init("layer1.conv.weight", [4, 4, 3, 3], Values(144, 3, 0.2f));
        Init("layer1.bn.weight", [4], [1.1f, 0.9f, 1.3f, 0.7f]);
        Init("layer1.bn.bias", [4], Values(4, 4));
        Init("layer1.bn.running_mean", [4], Values(4, 5));
        Init("layer1.bn.running_var", [4], [0.5f, 1.2f, 0.8f, 1.5f]);
        Init("onnx::MatMul_12", [64, 16], Values(64 * 16, 6, 0.15f));   // [in, out]: PyTorch transposes the weight for MatMul
        Init("fc1.bias", [16], Values(16, 7));
        Init("onnx::Gemm_13", [3, 16], Values(48, 8, 0.4f));
        Init("fc2.bias", [3], Values(3, 9));
        Init("/fc1/act/Constant_output_0", [], [1.4142135f]);
        Init("/fc1/act/Constant_1_output_0", [], [1f]);
        Init("/fc1/act/Constant_2_output_0", [], [0.5f]);
        OnnxAttribute[] pad1 = [OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1), OnnxAttribute.Ints("strides", 1, 1)];
        g.Nodes.AddRange(
        [
            Node("Sub", "/Sub", ["input", "onnx::Sub_30"], "/Sub_output_0"),
            Node("Div", "/Div", ["/Sub_output_0", "onnx::Div_31"], "/Div_output_0"),
            Node("Conv", "/conv1/Conv", ["/Div_output_0", "conv1.weight", "conv1.bias"], "/conv1/Conv_output_0", [.. pad1, OnnxAttribute.Ints("dilations", 1, 1), OnnxAttribute.Int("group", 1)]),
            Node("Relu", "/relu/Relu", ["/conv1/Conv_output_0"], "/relu/Relu_output_0"),
            Node("MaxPool", "/pool/MaxPool", ["/relu/Relu_output_0"], "/pool/MaxPool_output_0",
                OnnxAttribute.Int("ceil_mode", 0), OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("pads", 0, 0, 0, 0), OnnxAttribute.Ints("strides", 2, 2)),
            Node("Conv", "/layer1/conv/Conv", ["/pool/MaxPool_output_0", "layer1.conv.weight"], "/layer1/conv/Conv_output_0", pad1),
            Node("BatchNormalization", "/layer1/bn/BatchNormalization",
                ["/layer1/conv/Conv_output_0", "layer1.bn.weight", "layer1.bn.bias", "layer1.bn.running_mean", "layer1.bn.running_var"],
                "/layer1/bn/BatchNormalization_output_0", OnnxAttribute.Float("epsilon", 1e-5f), OnnxAttribute.Float("momentum", 0.9f)),
            Node("Add", "/layer1/Add", ["/layer1/bn/BatchNormalization_output_0", "/pool/MaxPool_output_0"], "/layer1/Add_output_0"),
            Node("Relu", "/layer1/relu/Relu", ["/layer1/Add_output_0"], "/layer1/relu/Relu_output_0"),
            Node("Constant", "/Constant", [], "/Constant_output_0", OnnxAttribute.Tensor("value", OnnxTensor.Int64s("", [2], [-1, 64]))),
            Node("Reshape", "/Reshape", ["/layer1/relu/Relu_output_0", "/Constant_output_0"], "/Reshape_output_0"),
            Node("MatMul", "/fc1/MatMul", ["/Reshape_output_0", "onnx::MatMul_12"], "/fc1/MatMul_output_0"),
            Node("Add", "/fc1/Add", ["fc1.bias", "/fc1/MatMul_output_0"], "/fc1/Add_output_0"),
            Node("Div", "/fc1/act/Div", ["/fc1/Add_output_0", "/fc1/act/Constant_output_0"], "/fc1/act/Div_output_0"),
            Node("Erf", "/fc1/act/Erf", ["/fc1/act/Div_output_0"], "/fc1/act/Erf_output_0"),
            Node("Add", "/fc1/act/Add", ["/fc1/act/Erf_output_0", "/fc1/act/Constant_1_output_0"], "/fc1/act/Add_output_0"),
            Node("Mul", "/fc1/act/Mul", ["/fc1/Add_output_0", "/fc1/act/Add_output_0"], "/fc1/act/Mul_output_0"),
            Node("Mul", "/fc1/act/Mul_1", ["/fc1/act/Mul_output_0", "/fc1/act/Constant_2_output_0"], "/fc1/act/Mul_1_output_0"),
            Node("Gemm", "/fc2/Gemm", ["/fc1/act/Mul_1_output_0", "onnx::Gemm_13", "fc2.bias"], "logits",
                OnnxAttribute.Float("alpha", 1f), OnnxAttribute.Float("beta", 1f), OnnxAttribute.Int("transB", 1)),
        ]);
        return g;
    }
}
