using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Serialization;
using ScratchNet.Training;

namespace ScratchNet.Onnx;

/// <summary>
/// Reads an ONNX model (as PyTorch's exporter or <see cref="OnnxExporter"/> write them) into a built
/// <see cref="NeuralNetwork"/>: convolutions, dense layers (Gemm, or MatMul then Add), batch norm, the activations,
/// pooling, flatten, residual sums and concatenations, and a Sub/Div of a constant at the input as the model's
/// normalisation. Anything else is an <see cref="OnnxImportException"/> naming the node and why.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The metadata_props key under which <see cref="OnnxExporter"/> keeps the ScratchNet architecture (a model specification).</summary>
    public const string ArchitectureKey = "scratchnet_architecture";

    /// <summary>The operators import reads.</summary>
    public static IReadOnlyList<string> SupportedOperators { get; } =
    [
        "Conv", "Gemm", "MatMul", "Add", "BatchNormalization", "Relu", "Tanh", "Sigmoid", "LeakyRelu", "Elu", "Gelu", "Erf", "Mul", "Softmax",
        "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Concat", "Sub", "Div", "Constant", "Dropout", "Identity",
    ];

    /// <summary>The largest file read: protobuf messages cannot exceed 2 GB.</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Reads the ONNX file <paramref name="path"/>.</summary>
    /// <exception cref="OnnxImportException">The file is not valid ONNX, or it holds something ScratchNet cannot express.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static OnnxImportResult Import(string path, OnnxImportOptions? options = null)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new OnnxImportException($"the file '{path}' does not exist.");
        if (file.Length > MaxFileBytes) throw new OnnxImportException($"the file '{path}' is {file.Length:N0} bytes, more than the 2 GB a protobuf message can hold.");
        return Import(File.ReadAllBytes(path), options);
    }

    /// <summary>Reads an ONNX model from <paramref name="bytes"/>.</summary>
    /// <exception cref="OnnxImportException">The bytes are not valid ONNX, or they hold something ScratchNet cannot express.</exception>
    public static OnnxImportResult Import(ReadOnlyMemory<byte> bytes, OnnxImportOptions? options = null)
    {
        options ??= new OnnxImportOptions();
        OnnxModel model = OnnxModel.Read(bytes);
        if (model.ReadOpset is < 9 or > 22)
            throw new OnnxImportException($"the model declares opset {model.ReadOpset} of the standard operators; ScratchNet reads opsets 9 to 22.");
        var index = new OnnxGraphIndex(model.Graph);
        foreach (OnnxNode node in model.Graph.Nodes.Where(n => !SupportedOperators.Contains(n.OpType)))
            throw new OnnxImportException($"{node.Describe()} is not an operator ScratchNet can import; it reads {string.Join(", ", SupportedOperators)}.");

        var (sample, fixedBatch) = InputShape(index.Input, options.InputShape);
        var notes = new List<string>();
        var walker = new OnnxGraphWalker(index);
        var (start, normalization) = OnnxNormalization.Find(index, walker, sample[0]);
        List<OnnxStep> steps = walker.Walk(index.Output, start);
        if (steps is [.., NodeStep { Node.OpType: "Softmax" }])
        {
            steps.RemoveAt(steps.Count - 1);
            notes.Add("the final Softmax was left out: ScratchNet models give logits (the class order and predictions are the same).");
        }
        var mapper = new OnnxLayerMapper(index, fixedBatch);
        int[] shape = sample;
        List<Layer> layers = mapper.Chain(steps, ref shape);
        if (model.Graph.Nodes.FirstOrDefault(n => n.OpType != "Constant" && !walker.Visited.Contains(n)) is { } unused)
            throw new OnnxImportException($"{unused.Describe()} does not lead to the graph output; remove it or export the model again.");
        if (layers.Count == 0 || shape.Length != 1)
            throw new OnnxImportException($"the graph gives [N, {string.Join(", ", shape)}]; a ScratchNet model ends with one score per class, [N, classes].");

        var network = new NeuralNetwork(layers, new SoftmaxCrossEntropy());
        network.Build(sample);
        foreach (Layer layer in network.Layers) CopyWeights(layer, mapper.Weights);
        network.Normalization = normalization;
        network.ClassNames = ClassNames(options.ClassNames, model.Metadata, shape[0], notes);
        if (options.UseScratchNetArchitecture && model.Metadata.FirstOrDefault(m => m.Key == ArchitectureKey).Value is { } architecture)
            network = OnnxArchitectureHint.Apply(network, architecture, notes);
        return new OnnxImportResult(network, notes);
    }

    // The input's C, H, W (the file's, or the caller's where the file leaves them symbolic) and its fixed batch size (−1: any).
    private static (int[] Sample, long FixedBatch) InputShape(OnnxValueInfo input, int[]? requested)
    {
        long[]? dims = input.Dims;
        if (dims is not null && dims.Length != 4)
            throw new OnnxImportException($"the input '{input.Name}' has shape [{string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString()))}]; ScratchNet models take images [N, C, H, W].");
        if (requested is not null)
        {
            if (requested.Length != 3 || requested.Any(d => d < 1 || d > ModelFileChecks.MaxInputDimension))
                throw new OnnxImportException($"the input shape [{string.Join(", ", requested)}] is not C, H, W with sizes from 1 to {ModelFileChecks.MaxInputDimension}.");
            if (dims is not null && dims[1..].Zip(requested).Any(p => p.First > 0 && p.First != p.Second))
                throw new OnnxImportException($"the file declares the input [{string.Join(", ", dims[1..])}] (C, H, W), not [{string.Join(", ", requested)}].");
            return (requested, dims?[0] ?? -1);
        }
        if (dims is null || dims[1..].Any(d => d < 1))
            throw new OnnxImportException($"the input '{input.Name}' does not declare its channels, height and width; give them (--input C,H,W).");
        if (dims[1..].Any(d => d > ModelFileChecks.MaxInputDimension) || dims[1] * dims[2] * dims[3] > ModelFileChecks.MaxInputValues)
            throw new OnnxImportException($"the input '{input.Name}' declares [{string.Join(", ", dims)}], larger than ScratchNet's limit of {ModelFileChecks.MaxInputDimension} per side.");
        return (dims[1..].Select(d => (int)d).ToArray(), dims[0]);
    }

    // Each layer's values into its built parameters and buffers; the shapes were checked when the layers were made.
    private static void CopyWeights(Layer layer, IReadOnlyDictionary<Layer, Dictionary<string, float[]>> weights)
    {
        foreach (var (_, child) in layer.Children) CopyWeights(child, weights);
        if (!weights.TryGetValue(layer, out var values)) return;
        var state = layer.NamedParameters().Select(p => (p.Name, p.Parameter.Value)).Concat(layer.NamedBuffers().Select(b => (b.Name, b.Buffer.Value)));
        foreach (var (name, tensor) in state)
        {
            float[] source = values[name];
            if (source.Length != tensor.Length)
                throw new OnnxImportException($"layer {layer.Name}: its {name} has {source.Length} values in the file but the layer needs {tensor.Length}.");
            source.CopyTo(tensor.Span);
        }
    }

    // --classes first, else the exporter's metadata; names that do not fit the outputs are refused (given) or passed over (metadata).
    private static IReadOnlyList<string>? ClassNames(IReadOnlyList<string>? given, List<KeyValuePair<string, string>> metadata, int outputs, List<string> notes)
    {
        if (given is not null)
            return given.Count == outputs ? given
                : throw new OnnxImportException($"the model gives {outputs} outputs but {given.Count} class names were given; give one name per output.");
        string? json = metadata.FirstOrDefault(m => m.Key == OnnxExporter.ClassNamesKey).Value;
        if (json is null) return null;
        try
        {
            string[]? names = JsonSerializer.Deserialize<string[]>(json);
            if (names is not null && names.Length == outputs && names.All(n => n is not null)) return names;
        }
        catch (JsonException) { }
        notes.Add($"the class names in the file's metadata do not fit its {outputs} outputs; they were left out.");
        return null;
    }
}
