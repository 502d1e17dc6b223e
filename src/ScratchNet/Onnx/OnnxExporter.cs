using System.Text.Json;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Onnx;

/// <summary>
/// Writes a built <see cref="NeuralNetwork"/> as an ONNX model (IR version 8, opset 17) that ONNX Runtime and other
/// runtimes run: input "input" [N, C, H, W] float32 with a symbolic batch size N, output "logits" (or "probabilities")
/// [N, classes]. Every ScratchNet layer maps to standard operators; dropout is left out, as at inference.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The metadata_props key of the class names, a JSON array of strings by output index.</summary>
    public const string ClassNamesKey = "class_names";

    /// <summary>The metadata_props key that says what the input is: "raw pixels 0-255" or "standardised".</summary>
    public const string InputKey = "input";

    /// <summary>Writes <paramref name="network"/> as ONNX to <paramref name="stream"/>.</summary>
    /// <exception cref="OnnxExportException">The network is not built, or a layer cannot be exported (the message names it).</exception>
    public static void Export(NeuralNetwork network, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Build(network, options ?? new OnnxExportOptions()).WriteTo(stream);
    }

    /// <summary>Writes <paramref name="network"/> as ONNX to the file <paramref name="path"/>, atomically (<see cref="SafeFile"/>).</summary>
    /// <exception cref="OnnxExportException">The network is not built, or a layer cannot be exported (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Export(NeuralNetwork network, string path, OnnxExportOptions? options = null)
    {
        // The whole graph is built before the file is touched: a layer that cannot be exported leaves nothing behind.
        OnnxModel model = Build(network, options ?? new OnnxExportOptions());
        SafeFile.Write(path, model.WriteTo);
    }

    private static OnnxModel Build(NeuralNetwork network, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.IsBuilt)
            throw new OnnxExportException("the network is not built: run it on an input (or call Build) so that its input shape is known.");
        int[] sampleShape = network.Layers[0].InputSampleShape.ToArray();
        var graph = new OnnxGraph("ScratchNet");
        var builder = new OnnxGraphBuilder(graph);
        graph.Inputs.Add(new OnnxValueInfo("input", sampleShape));

        string x = "input";
        bool normalized = options.IncludeNormalization && network.Normalization is not null;
        if (normalized)
        {
            var standardizer = network.Normalization!;
            if (sampleShape.Length != 3 || sampleShape[0] != standardizer.Channels)
                throw new OnnxExportException(
                    $"the standardisation has {standardizer.Channels} channel(s) but the input is [N, {string.Join(", ", sampleShape)}]; export with the normalisation left out.");
            int[] perChannel = [1, standardizer.Channels, 1, 1];
            x = builder.Node("Sub", "normalization", [x, builder.Constant("normalization.mean", perChannel, [.. standardizer.Mean])]);
            x = builder.Node("Div", "normalization", [x, builder.Constant("normalization.std", perChannel, [.. standardizer.Std])]);
        }

        int[] shape = sampleShape;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            x = builder.Layer(network.Layers[i], i.ToString(), x);
            shape = network.Layers[i].OutputSampleShape(shape);
        }
        if (options.Probabilities) x = builder.Node("Softmax", "probabilities", [x], OnnxAttribute.Int("axis", -1));

        // The last node's output takes the graph output's name.
        string output = options.Probabilities ? "probabilities" : "logits";
        OnnxNode last = graph.Nodes.Count > 0 && graph.Nodes[^1].Outputs[0] == x ? graph.Nodes[^1]
            : throw new OnnxExportException("the network has no operations to export (every layer is the identity).");
        graph.Nodes[^1] = last with { Outputs = [output] };
        graph.Outputs.Add(new OnnxValueInfo(output, shape));

        var model = new OnnxModel(graph);
        model.Metadata.Add(new(InputKey, normalized ? "raw pixels 0-255" : "standardised"));
        if (network.ClassNames is { Count: > 0 } names) model.Metadata.Add(new(ClassNamesKey, JsonSerializer.Serialize(names)));
        // What ONNX does not keep (dropout, block nesting, padding names), for OnnxImporter; runtimes ignore it.
        try { model.Metadata.Add(new(OnnxImporter.ArchitectureKey, ModelSpec.Describe(network.Layers, network.Loss))); }
        catch (NotSupportedException) { }   // a layer or loss with no specification: the graph alone is exported
        return model;
    }
}
