using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Onnx;

/// <summary>
/// Turns the steps <see cref="OnnxGraphWalker"/> recovered into ScratchNet layers, following the sample shape so that
/// pads, channel counts and flatten sizes can be checked. An activation right after a convolution, dense layer, batch
/// norm or residual sum becomes that layer's activation (ScratchNet's fused form); every other one an
/// <see cref="ActivationLayer"/>. The weights each layer gets are kept in <see cref="Weights"/> until the network is built.
/// </summary>
internal sealed class OnnxLayerMapper(OnnxGraphIndex graph, long fixedBatch)
{
    /// <summary>The values of each new layer's parameters and buffers, by name ("weight", "running_var", …).</summary>
    public Dictionary<Layer, Dictionary<string, float[]>> Weights { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The layers of <paramref name="steps"/>, for samples of <paramref name="shape"/> (the shape after them on return).</summary>
    public List<Layer> Chain(IReadOnlyList<OnnxStep> steps, ref int[] shape)
    {
        var layers = new List<Layer>();
        for (int i = 0; i < steps.Count; i++)
        {
            OnnxStep step = steps[i];
            OnnxNode node = Node(step);
            int[] input = shape;
            Layer? layer = step switch
            {
                ResidualStep r => Guard(node, () =>
                {
                    int[] bodyShape = input, shortcutShape = input;
                    return new Residual(Chain(r.Body, ref bodyShape), Chain(r.Shortcut, ref shortcutShape), FusedActivation(steps, ref i, bodyShape));
                }),
                ConcatStep c => Concat(c, shape),
                GeluStep g => new ActivationLayer(Activation(g, shape)!),
                _ => Map(node, steps, ref i, shape),
            };
            if (layer is null) continue;
            layers.Add(layer);
            shape = Guard(node, () => layer.OutputSampleShape(input));
        }
        return layers;
    }

    private static OnnxNode Node(OnnxStep step) => step switch
    {
        NodeStep n => n.Node, GeluStep g => g.Last, ResidualStep r => r.Add, ConcatStep c => c.Concat, _ => throw new InvalidOperationException(),
    };

    // One node's layer (null for nodes that are the identity at inference); may take the next step too (an activation,
    // MatMul's bias, the Flatten after GlobalAveragePool).
    private Layer? Map(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape)
    {
        switch (node.OpType)
        {
            case "Conv": return Conv(node, steps, ref i, shape);
            case "Gemm": return Gemm(node, steps, ref i, shape);
            case "MatMul": return MatMul(node, steps, ref i, shape);
            case "BatchNormalization": return BatchNormalization(node, steps, ref i, shape);
            case "MaxPool" or "AveragePool": return Pool(node, shape);
            case "GlobalAveragePool":
                Image(node, shape);
                if (i + 1 < steps.Count && steps[i + 1] is NodeStep { Node: var next } && IsFlatten(next, shape.Select((d, k) => k == 0 ? d : 1).ToArray()))
                {
                    i++;
                    return new GlobalAvgPool2D();
                }
                throw new OnnxImportException($"{node.Describe()} is not followed by a Flatten: ScratchNet's GlobalAvgPool2D gives [N, C], as GlobalAveragePool then Flatten does.");
            case "Flatten" or "Reshape":
                return IsFlatten(node, shape) ? new Flatten()
                    : throw new OnnxImportException($"{node.Describe()} does not flatten to [N, C·H·W] = [N, {Elements(shape)}]; ScratchNet reads Flatten with axis 1 " +
                                                    "and Reshape to a constant shape [0, -1], [N, -1] or [-1, C·H·W] only.");
            case "Dropout" or "Identity": return null;   // the identity at inference
            case "Sub" or "Div":
                throw new OnnxImportException($"{node.Describe()} is not at the graph's input; ScratchNet reads Sub and Div only there, by a constant per channel (the normalisation).");
            case "Add":
                throw new OnnxImportException($"{node.Describe()} adds a constant that is not a MatMul's bias; ScratchNet reads Add as a residual sum of two paths or as the bias after MatMul.");
            default:
                return Activation(new NodeStep(node), shape) is { } activation ? new ActivationLayer(activation)
                    : throw new OnnxImportException($"{node.Describe()} has no ScratchNet layer here.");
        }
    }

    private Layer Conv(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape)
    {
        Image(node, shape);
        OnnxTensor w = graph.Weight(node, 1, "weight");
        if (w.Dims.Length != 4) throw new OnnxImportException($"{node.Describe()}: its weight has shape [{string.Join(", ", w.Dims)}], not [O, C/group, KH, KW].");
        int groups = (int)Math.Clamp(node.Int("group", 1), 0, int.MaxValue);
        if (groups < 1 || (long)w.Dims[1] * groups != shape[0])
            throw new OnnxImportException($"{node.Describe()} takes {(long)w.Dims[1] * groups} channels (weight [{string.Join(", ", w.Dims)}], group {groups}) but its input has {shape[0]}.");
        int[] kernel = [w.Dims[2], w.Dims[3]];
        if (!node.Ints("kernel_shape", 2, kernel, min: 1).SequenceEqual(kernel))
            throw new OnnxImportException($"{node.Describe()}: its kernel_shape differs from its weight's [{string.Join(", ", w.Dims)}].");
        int[] strides = node.Ints("strides", 2, [1, 1], min: 1);
        node.RequireNoDilation();
        Padding padding = node.Padding(kernel, strides, shape[1], shape[2], preferSame: true);
        OnnxTensor? b = graph.OptionalWeight(node, 2, "bias");
        var layer = Guard(node, () => new Conv2D(w.Dims[0], kernel[0], strides[0], padding, b is not null, null, false, kernel[1], strides[1], groups));
        return WithWeights(node, steps, ref i, shape, layer, ("weight", w.Values), ("bias", b?.Vector(node, w.Dims[0], "bias")),
            activation => new Conv2D(w.Dims[0], kernel[0], strides[0], padding, b is not null, activation, false, kernel[1], strides[1], groups));
    }

    private Layer Gemm(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape)
    {
        OnnxTensor b = graph.Weight(node, 1, "weight");
        if (node.Int("transA", 0) != 0 || b.Dims.Length != 2)
            throw new OnnxImportException($"{node.Describe()} is not x·Wᵀ + b with a 2-D weight (transA 0); ScratchNet's Dense computes that.");
        bool transposed = node.Int("transB", 0) != 0;   // transB = 1: the weight is [out, in] already, as ScratchNet keeps it
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        float[] weight = transposed ? b.Values : Transpose(b.Values, b.Dims[0], b.Dims[1]);
        int outputs = transposed ? b.Dims[0] : b.Dims[1], inputs = transposed ? b.Dims[1] : b.Dims[0];
        if (alpha != 1f) weight = weight.Select(v => v * alpha).ToArray();
        float[]? bias = graph.OptionalWeight(node, 2, "bias")?.Vector(node, outputs, "bias").Select(v => v * beta).ToArray();
        return Dense(node, steps, ref i, shape, inputs, outputs, weight, bias);
    }

    private Layer MatMul(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape)
    {
        OnnxTensor w = graph.Weight(node, 1, "weight");
        if (w.Dims.Length != 2) throw new OnnxImportException($"{node.Describe()}: its weight has shape [{string.Join(", ", w.Dims)}], not [in, out].");
        float[]? bias = null;
        // PyTorch writes a Linear without Gemm as MatMul then Add of the bias.
        if (i + 1 < steps.Count && steps[i + 1] is NodeStep { Node: { OpType: "Add" } add })
        {
            string constant = add.Inputs.First(input => graph.Constant(input) is not null);
            bias = graph.Weight(add, Array.IndexOf(add.Inputs, constant), "bias").Vector(add, w.Dims[1], "bias");
            i++;
        }
        return Dense(node, steps, ref i, shape, w.Dims[0], w.Dims[1], Transpose(w.Values, w.Dims[0], w.Dims[1]), bias);
    }

    private Layer Dense(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape, int inputs, int outputs, float[] weight, float[]? bias)
    {
        if (shape.Length != 1)
            throw new OnnxImportException($"{node.Describe()} takes a [N, {string.Join(", ", shape)}] input; ScratchNet's Dense needs it flattened first (a Flatten node).");
        if (inputs != shape[0]) throw new OnnxImportException($"{node.Describe()} takes {inputs} inputs but receives {shape[0]}.");
        return WithWeights(node, steps, ref i, shape, new Dense(outputs, null, bias is not null), ("weight", weight), ("bias", bias),
            activation => new Dense(outputs, activation, bias is not null));
    }

    private Layer BatchNormalization(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape)
    {
        if (node.Int("training_mode", 0) != 0 || node.Outputs.Count(o => o.Length > 0) > 1)
            throw new OnnxImportException($"{node.Describe()} is in training mode; export the model in inference (eval) mode.");
        int channels = shape[0];
        float[] Part(int index, string what) => graph.Weight(node, index, what).Vector(node, channels, what);
        float[] scale = Part(1, "scale"), shift = Part(2, "bias"), mean = Part(3, "mean"), variance = Part(4, "variance");
        if (variance.Any(v => v < 0)) throw new OnnxImportException($"{node.Describe()}: its variance holds negative values.");
        float epsilon = node.Float("epsilon", 1e-5f);
        if (!(epsilon > 0 && float.IsFinite(epsilon))) throw new OnnxImportException($"{node.Describe()} has epsilon {epsilon}; it must be positive.");
        return WithWeights(node, steps, ref i, shape, new BatchNorm(epsilon: epsilon),
            ("weight", scale), ("bias", shift), ("running_mean", mean), ("running_var", variance), activation => new BatchNorm(epsilon: epsilon, activation: activation));
    }

    private Pooling2D Pool(OnnxNode node, int[] shape)
    {
        Image(node, shape);
        int[] kernel = node.Ints("kernel_shape", 2, null, min: 1), strides = node.Ints("strides", 2, [1, 1], min: 1);
        node.RequireNoDilation();
        if (node.Int("ceil_mode", 0) != 0) throw new OnnxImportException($"{node.Describe()} rounds its output size up (ceil_mode 1); ScratchNet's pooling rounds down.");
        Padding padding = node.Padding(kernel, strides, shape[1], shape[2], preferSame: false);
        if (node.OpType == "AveragePool" && padding != Operations.Padding.Valid && node.Int("count_include_pad", 0) == 0)
            throw new OnnxImportException($"{node.Describe()} leaves the padding out of its averages (count_include_pad 0); ScratchNet's average pooling counts it.");
        return Guard(node, () => node.OpType == "MaxPool" ? (Pooling2D)new MaxPool2D(kernel[0], strides[0], padding, kernel[1], strides[1])
            : new AvgPool2D(kernel[0], strides[0], padding, kernel[1], strides[1]));
    }

    private Concat Concat(ConcatStep step, int[] shape)
    {
        long axis = step.Concat.Int("axis", 1);
        if (axis != 1 && axis != 1 - (shape.Length + 1))
            throw new OnnxImportException($"{step.Concat.Describe()} joins on axis {axis}; ScratchNet's Concat joins on the channels (axis 1).");
        return Guard(step.Concat, () => new Concat(step.Branches.Select(branch => { int[] s = shape; return (IEnumerable<Layer>)Chain(branch, ref s); }).ToArray()));
    }

    // The layer with its weights recorded; when the next step is an activation, the layer is made again with it fused.
    private Layer WithWeights(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape, Layer plain,
        (string Name, float[]? Values) a, (string Name, float[]? Values) b, Func<Operation, Layer> fused) =>
        WithWeights(node, steps, ref i, shape, plain, a, b, ("", null), ("", null), fused);

    private Layer WithWeights(OnnxNode node, IReadOnlyList<OnnxStep> steps, ref int i, int[] shape, Layer plain,
        (string Name, float[]? Values) a, (string Name, float[]? Values) b, (string Name, float[]? Values) c, (string Name, float[]? Values) d,
        Func<Operation, Layer> fused)
    {
        int[] output = Guard(node, () => plain.OutputSampleShape(shape));
        Layer layer = FusedActivation(steps, ref i, output) is { } activation and not Linear ? Guard(node, () => fused(activation)) : plain;
        Weights[layer] = new[] { a, b, c, d }.Where(p => p.Values is not null).ToDictionary(p => p.Name, p => p.Values!);
        return layer;
    }

    // The activation of the next step, taken when there is one (softmax only on [N, classes]).
    private Operation? FusedActivation(IReadOnlyList<OnnxStep> steps, ref int i, int[] shape)
    {
        if (i + 1 >= steps.Count || Activation(steps[i + 1], shape) is not { } activation) return null;
        i++;
        return activation;
    }

    private static Operation? Activation(OnnxStep step, int[] shape)
    {
        if (step is GeluStep { Last: var gelu })
            return gelu.OpType == "Mul" || (gelu.Attribute("approximate")?.StringValue ?? "none") == "none" ? new GELU()
                : throw new OnnxImportException($"{gelu.Describe()} is the tanh approximation of GELU; ScratchNet's GELU is exact (approximate \"none\").");
        if (step is not NodeStep { Node: var node }) return null;
        return node.OpType switch
        {
            "Relu" => new ReLU(),
            "Tanh" => new Tanh(),
            "Sigmoid" => new Sigmoid(),
            "LeakyRelu" => new LeakyReLU(Default(node, 0.01f)),
            "Elu" => new ELU(Default(node, 1f)),
            "Softmax" when shape.Length == 1 && node.Int("axis", -1) is -1 or 1 => new Softmax(),
            "Softmax" => throw new OnnxImportException($"{node.Describe()} is not over the classes of a [N, classes] value; ScratchNet's softmax runs along the last axis of a dense output."),
            _ => null,
        };
    }

    // A model file keeps LeakyReLU and ELU with their default alpha only (PyTorch's defaults too).
    private static float Default(OnnxNode node, float alpha) => node.Float("alpha", alpha) == alpha ? alpha
        : throw new OnnxImportException($"{node.Describe()} has alpha {node.Float("alpha", alpha)}; a ScratchNet model file keeps {node.OpType} with alpha {alpha} only.");

    // Flatten with axis 1, or Reshape to a constant [0, -1], [N, -1] (N the file's fixed batch size) or [-1, C·H·W].
    private bool IsFlatten(OnnxNode node, int[] shape)
    {
        if (node.OpType == "Flatten") return node.Int("axis", 1) == 1;
        if (node.OpType != "Reshape" || node.Int("allowzero", 0) != 0 || node.Inputs.Length < 2) return false;
        if (graph.Constant(node.Inputs[1]) is not { Integers: [long batch, long features] })
            throw new OnnxImportException($"{node.Describe()} takes its shape from a node output or not as two int64 values; ScratchNet reads a Reshape that flattens, with a constant shape.");
        long elements = Elements(shape);
        return (batch is 0 || (batch > 0 && batch == fixedBatch)) && (features == -1 || features == elements) || batch == -1 && features == elements;
    }

    private static long Elements(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    private static void Image(OnnxNode node, int[] shape)
    {
        if (shape.Length != 3) throw new OnnxImportException($"{node.Describe()} takes a [N, {string.Join(", ", shape)}] input, not images [N, C, H, W].");
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) result[c * rows + r] = values[r * columns + c];
        return result;
    }

    // A layer's own check (a shape that does not fit, a size it refuses) as an import error naming the node.
    private static T Guard<T>(OnnxNode node, Func<T> create)
    {
        try { return create(); }
        catch (Exception e) when (e is ArgumentException or ShapeMismatchException)
        {
            throw new OnnxImportException($"{node.Describe()} cannot be a ScratchNet layer: {e.Message}");
        }
    }
}
