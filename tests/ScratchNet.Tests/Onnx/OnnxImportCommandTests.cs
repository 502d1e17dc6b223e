using ScratchNet.Onnx;
using ScratchNet.Tests.Cli;
using static ScratchNet.Tests.Cli.CliModels;

namespace ScratchNet.Tests.Onnx;

/// <summary>Hostile and unmappable ONNX files through <c>scratchnet import</c>: one <c>error:</c> line each, no file written.</summary>
[Collection(nameof(InProcessCliCollection))]
public class OnnxImportCommandTests
{
    private static string Write(byte[] bytes)
    {
        string path = NewPath(".onnx");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertRefused(byte[] bytes, string expected)
    {
        string output = NewPath(".safetensors");
        AssertOneError(InProcessCli.Run("import", "--onnx", Write(bytes), "--out", output), 1, expected);
        Assert.False(File.Exists(output));
    }

    private static OnnxGraph Relu(params OnnxNode[] nodes)
    {
        OnnxGraph g = OnnxHandWritten.Graph([1, 2, 2], 4);
        g.Nodes.AddRange(nodes);
        return g;
    }

    [Fact]
    public void TruncatedOrOversizedProtobufIsAnError()
    {
        byte[] valid = OnnxHandWritten.Bytes(OnnxHandWritten.PyTorchStyle());
        AssertRefused(valid[..(valid.Length / 2)], "truncated");
        // A graph field (7) declaring 2 GB (varint 0x80 0x80 0x80 0x80 0x08 = 2^31) followed by a few bytes.
        AssertRefused([0x08, 8, 0x3A, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3], "declaring 2,147,483,648 bytes where only 3 are left");
        AssertRefused("not an onnx file at all"u8.ToArray(), "not a valid ONNX model");
    }

    [Fact]
    public void GraphCycleAndMissingInputAreErrors()
    {
        AssertRefused(OnnxHandWritten.Bytes(Relu(
            OnnxHandWritten.Node("Relu", "/a", ["b"], "a"), OnnxHandWritten.Node("Relu", "/b", ["a"], "b"), OnnxHandWritten.Node("Flatten", "/f", ["b"], "logits"))),
            "the graph has a cycle: Relu '/a', Relu '/b'");
        AssertRefused(OnnxHandWritten.Bytes(Relu(OnnxHandWritten.Node("Relu", "/a", ["nowhere"], "a"), OnnxHandWritten.Node("Flatten", "/f", ["a"], "logits"))),
            "Relu '/a' reads 'nowhere', which no node writes and which is neither an initializer nor the graph input");
    }

    [Fact]
    public void DeeplyNestedBlocksAreRefusedNotRecursedInto()
    {
        // o₀ = Relu(x); oₖ = Relu(oₖ₋₁) + x: each sum's body holds the previous sum, 5,000 deep.
        OnnxGraph g = OnnxHandWritten.Graph([1, 2, 2], 4);
        g.Nodes.Add(OnnxHandWritten.Node("Relu", "/r0", ["input"], "o0"));
        for (int k = 1; k <= 5000; k++)
        {
            g.Nodes.Add(OnnxHandWritten.Node("Relu", $"/r{k}", [$"o{k - 1}"], $"r{k}"));
            g.Nodes.Add(OnnxHandWritten.Node("Add", $"/add{k}", [$"r{k}", "input"], $"o{k}"));
        }
        g.Nodes.Add(OnnxHandWritten.Node("Flatten", "/f", ["o5000"], "logits"));
        AssertRefused(OnnxHandWritten.Bytes(g), "nests residual sums or concatenations more than 64 deep");
    }

    [Fact]
    public void InitializerWhoseRawDataDisagreesWithItsDimsIsAnError()
    {
        OnnxGraph g = OnnxHandWritten.Graph([1, 2, 2], 4);
        g.Initializers.Add(new OnnxTensor("fc.weight", [4, 4], new float[10]));
        g.Nodes.Add(OnnxHandWritten.Node("Flatten", "/f", ["input"], "flat"));
        g.Nodes.Add(OnnxHandWritten.Node("Gemm", "/fc/Gemm", ["flat", "fc.weight"], "logits", OnnxAttribute.Int("transB", 1)));
        AssertRefused(OnnxHandWritten.Bytes(g), "tensor 'fc.weight' declares the dims [4, 4], that is 16 values (64 bytes), but holds 40 bytes of raw_data");
    }

    [Fact]
    public void UnknownOpNamesTheNodeAndTheSupportedOps()
    {
        AssertRefused(OnnxHandWritten.Bytes(Relu(OnnxHandWritten.Node("LSTM", "/rnn/LSTM", ["input"], "a"), OnnxHandWritten.Node("Flatten", "/f", ["a"], "logits"))),
            "LSTM '/rnn/LSTM' is not an operator ScratchNet can import; it reads Conv, Gemm, MatMul");
    }

    [Fact]
    public void UnmappableGraphsSayWhy()
    {
        // A convolution whose weight is computed by a node.
        OnnxGraph g = OnnxHandWritten.Graph([1, 4, 4], 8);
        g.Initializers.Add(new OnnxTensor("w", [2, 1, 3, 3], new float[18]));
        g.Nodes.Add(OnnxHandWritten.Node("Identity", "/w", ["w"], "w2"));
        g.Nodes.Add(OnnxHandWritten.Node("Conv", "conv3", ["input", "w2"], "c", OnnxAttribute.Ints("kernel_shape", 3, 3)));
        g.Nodes.Add(OnnxHandWritten.Node("Flatten", "/f", ["c"], "logits"));
        AssertRefused(OnnxHandWritten.Bytes(g), "Conv 'conv3' takes its weight from a node output, not an initializer");

        // Sub in the middle of the network.
        OnnxGraph sub = OnnxHandWritten.Graph([1, 2, 2], 4);
        sub.Initializers.Add(new OnnxTensor("c", [], [1f]));
        sub.Nodes.AddRange([OnnxHandWritten.Node("Relu", "/r", ["input"], "r"), OnnxHandWritten.Node("Sub", "/s", ["r", "c"], "s"), OnnxHandWritten.Node("Flatten", "/f", ["s"], "logits")]);
        AssertRefused(OnnxHandWritten.Bytes(sub), "Sub '/s' is not at the graph's input");
    }

    [Fact]
    public void BadArgumentsAreUsageErrors()
    {
        string valid = Write(OnnxHandWritten.Bytes(OnnxHandWritten.PyTorchStyle()));
        AssertOneError(InProcessCli.Run("import", "--onnx", NewPath(".onnx"), "--out", NewPath(".safetensors")), 2, "the file does not exist");
        AssertOneError(InProcessCli.Run("import", "--onnx", valid, "--out", NewPath(".safetensors"), "--input", "1,9,9"), 1, "declares the input [1, 8, 8] (C, H, W), not [1, 9, 9]");
        string classes = NewPath(".txt");
        File.WriteAllText(classes, "cat\ndog\n");
        AssertOneError(InProcessCli.Run("import", "--onnx", valid, "--out", NewPath(".safetensors"), "--classes", classes), 1, "gives 3 outputs but 2 class names were given");
    }

    [Fact]
    public void ImportedFileWorksInEvaluatePredictAndSummary()
    {
        string classes = NewPath(".txt");
        File.WriteAllText(classes, "round\nsquare\nother\n");
        string model = NewPath(".safetensors");
        var result = InProcessCli.Run("import", "--onnx", Write(OnnxHandWritten.Bytes(OnnxHandWritten.PyTorchStyle())), "--out", model, "--classes", classes);
        AssertSuccess(result);
        Assert.Contains("6 layers", result.Output);
        Assert.Contains("3 class names", result.Output);
        var summary = InProcessCli.Run("summary", "--model-file", model);
        AssertSuccess(summary);
        Assert.Contains("Residual identity ReLU", summary.Output);
        string png = WritePng(Enumerable.Range(0, 64).Select(i => (byte)(i * 4)).ToArray(), 8, 8, ColorComponents.Grey);
        var predict = InProcessCli.Run("predict", "--model-file", model, png);
        AssertSuccess(predict);
        Assert.Matches("round|square|other", predict.Output);
        AssertSuccess(InProcessCli.Run("export", "--model-file", model, "--onnx", NewPath(".onnx")));
    }
}
