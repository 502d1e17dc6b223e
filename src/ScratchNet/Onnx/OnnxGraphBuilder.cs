using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Onnx;

/// <summary>
/// Turns layers into ONNX nodes: each method takes the name of the value a layer reads and returns the name of the
/// value it produces. Layers must be built (their input shapes fix "same" padding and the weights' shapes).
/// </summary>
internal sealed class OnnxGraphBuilder(OnnxGraph graph)
{
    private readonly HashSet<string> _names = [];

    /// <summary>Adds a float initializer and returns its (unique) name.</summary>
    public string Constant(string name, int[] dims, float[] values)
    {
        name = Unique(name);
        graph.Initializers.Add(new OnnxTensor(name, dims, values));
        return name;
    }

    /// <summary>Adds a node with one output, named like PyTorch's exporter ("/0/Conv"), and returns the output's name.</summary>
    public string Node(string opType, string path, string[] inputs, params OnnxAttribute[] attributes)
    {
        string name = Unique($"/{path.Replace('.', '/')}/{opType}");
        graph.Nodes.Add(new OnnxNode(opType, name, inputs, [name + "_output"], attributes));
        return name + "_output";
    }

    /// <summary>The nodes of <paramref name="layer"/> at <paramref name="path"/>, reading <paramref name="x"/>.</summary>
    public string Layer(Layer layer, string path, string x)
    {
        if (!layer.IsBuilt) throw new OnnxExportException($"layer {path} ({layer.Name}) is not built: run the network on an input first.");
        switch (layer)
        {
            case Conv2D c:
            {
                ReadOnlySpan<int> input = layer.InputSampleShape;
                var (top, bottom) = c.Padding.Resolve(input[1], c.KernelHeight, c.StrideHeight, vertical: true);
                var (left, right) = c.Padding.Resolve(input[2], c.KernelWidth, c.StrideWidth, vertical: false);
                string y = Node("Conv", path, [x, .. Parameters(layer, path, "weight", "bias")],
                    OnnxAttribute.Ints("kernel_shape", c.KernelHeight, c.KernelWidth),
                    OnnxAttribute.Ints("strides", c.StrideHeight, c.StrideWidth),
                    OnnxAttribute.Ints("pads", top, left, bottom, right),
                    OnnxAttribute.Ints("dilations", 1, 1),
                    OnnxAttribute.Int("group", c.Groups));
                y = Activation(c.Activation, path, y);
                return c.Flattens ? Node("Flatten", path, [y], OnnxAttribute.Int("axis", 1)) : y;
            }
            case Dense d:
                // Gemm computes x·Wᵀ + b with transB = 1, which is ScratchNet's [neurons, inputs] weight as it is.
                return Activation(d.Activation, path,
                    Node("Gemm", path, [x, .. Parameters(layer, path, "weight", "bias")], OnnxAttribute.Int("transB", 1)));
            case BatchNorm b:
                // The inference form: (x − running_mean)/√(running_var + ε)·γ + β, for [N, C] and [N, C, H, W] alike.
                return Activation(b.Activation, path,
                    Node("BatchNormalization", path, [x, .. Parameters(layer, path, "weight", "bias", "running_mean", "running_var")],
                        OnnxAttribute.Float("epsilon", b.Epsilon)));
            case Pooling2D p:
            {
                ReadOnlySpan<int> input = layer.InputSampleShape;
                var (top, bottom) = p.Padding.Resolve(input[1], p.PoolHeight, p.StrideHeight, vertical: true);
                var (left, right) = p.Padding.Resolve(input[2], p.PoolWidth, p.StrideWidth, vertical: false);
                OnnxAttribute[] window =
                [
                    OnnxAttribute.Ints("kernel_shape", p.PoolHeight, p.PoolWidth),
                    OnnxAttribute.Ints("strides", p.StrideHeight, p.StrideWidth),
                    OnnxAttribute.Ints("pads", top, left, bottom, right),
                ];
                // ScratchNet's average divides by the whole window, padding included (PoolingOperation).
                return p.Kind == PoolingKind.Max ? Node("MaxPool", path, [x], window)
                    : Node("AveragePool", path, [x], [.. window, OnnxAttribute.Int("count_include_pad", 1)]);
            }
            case GlobalAvgPool2D:
                // ONNX keeps [N, C, 1, 1]; ScratchNet's output is [N, C].
                return Node("Flatten", path, [Node("GlobalAveragePool", path, [x])], OnnxAttribute.Int("axis", 1));
            case Flatten:
                return Node("Flatten", path, [x], OnnxAttribute.Int("axis", 1));
            case Dropout:
                return x;   // the identity at inference
            case ActivationLayer a:
                return Activation(a.Activation, path, x);
            case Sequential s:
                return Chain(s.Layers, path, "", x);
            case Residual r:
            {
                string body = Chain(r.Body, path, "body", x);
                string shortcut = Chain(r.Shortcut, path, "shortcut", x);
                return Activation(r.Activation, path, Node("Add", path, [body, shortcut]));
            }
            case Concat k:
            {
                string[] branches = k.Branches.Select((branch, i) => Chain(branch, path, $"branches.{i}", x)).ToArray();
                return Node("Concat", path, branches, OnnxAttribute.Int("axis", 1));
            }
            default:
                throw new OnnxExportException($"layer {path} ({layer.Name}, {layer.GetType().Name}) cannot be exported to ONNX: no mapping for this layer type.");
        }
    }

    /// <summary>The nodes of an activation (nothing for the identity), reading <paramref name="x"/>.</summary>
    public string Activation(Operation activation, string path, string x) => activation switch
    {
        Linear => x,
        ReLU => Node("Relu", path, [x]),
        Tanh => Node("Tanh", path, [x]),
        Sigmoid => Node("Sigmoid", path, [x]),
        LeakyReLU l => Node("LeakyRelu", path, [x], OnnxAttribute.Float("alpha", l.Slope)),
        ELU e => Node("Elu", path, [x], OnnxAttribute.Float("alpha", e.Alpha)),
        GELU => Gelu(path, x),
        Softmax => Node("Softmax", path, [x], OnnxAttribute.Int("axis", -1)),   // ScratchNet's softmax runs along the last axis
        _ => throw new OnnxExportException(
            $"layer {path}: the operation {activation.Name} ({activation.GetType().Name}) cannot be exported to ONNX: no mapping for it."),
    };

    // GELU exactly: 0.5·x·(1 + erf(x/√2)), not the tanh approximation.
    private string Gelu(string path, string x)
    {
        string erf = Node("Erf", path, [Node("Div", path, [x, Constant($"{path}.sqrt2", [], [MathF.Sqrt(2f)])])]);
        string onePlus = Node("Add", path, [erf, Constant($"{path}.one", [], [1f])]);
        return Node("Mul", path, [Node("Mul", path, [x, onePlus]), Constant($"{path}.half", [], [0.5f])]);
    }

    // A chain of layers (a block's body, shortcut or branch); the identity when empty.
    private string Chain(IReadOnlyList<Layer> layers, string path, string part, string x)
    {
        for (int i = 0; i < layers.Count; i++)
            x = Layer(layers[i], part.Length == 0 ? $"{path}.{i}" : $"{path}.{part}.{i}", x);
        return x;
    }

    // The layer's parameters and buffers of these names, in this order, as initializers; an absent one (no bias) is skipped.
    private IEnumerable<string> Parameters(Layer layer, string path, params string[] names)
    {
        var state = layer.NamedParameters().Select(p => (p.Name, p.Parameter.Value))
            .Concat(layer.NamedBuffers().Select(b => (b.Name, b.Buffer.Value)))
            .ToDictionary(s => s.Name, s => s.Value);
        var inputs = new List<string>();
        foreach (string name in names)
            if (state.TryGetValue(name, out Tensor? value)) inputs.Add(Constant($"{path}.{name}", value.Shape.ToArray(), value.Span.ToArray()));
        return inputs;
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; !_names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}
