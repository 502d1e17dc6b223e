using System.Text.Json;
using System.Text.Json.Nodes;
using ScratchNet.Layers;
using ScratchNet.Losses;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Serialization;

/// <summary>
/// Architectures as JSON, so models can be described without compiling and stored in model files:
/// <code>
/// {"loss": "softmax_cross_entropy",
///  "layers": [{"type": "conv2d", "filters": 16, "kernel": 5, "padding": "same", "bias": false, "activation": "tanh", "flatten": true},
///             {"type": "dense", "units": 10}]}
/// </code>
/// Layer types and their fields (all optional but the first listed):
/// conv2d (filters, kernel = n or [h, w], stride = n or [h, w], padding = "same" | "valid" | n | [rows, cols] | [top, bottom, left, right], bias, activation, flatten);
/// dense (units, bias, activation); maxpool2d and avgpool2d (pool = n or [h, w], stride, padding); globalavgpool2d; flatten.
/// batchnorm (momentum, epsilon, activation); dropout (rate); activation (activation).
/// Activations: linear, tanh, sigmoid, relu, leaky_relu (slope 0.01), elu (alpha 1), gelu, softmax. Errors name the JSON path of the bad entry, e.g. <c>$.layers[1].kernel</c>.
/// </summary>
public static class ModelSpec
{
    private static readonly Dictionary<string, Func<Operation>> Activations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["linear"] = () => new Linear(),
        ["tanh"] = () => new Tanh(),
        ["sigmoid"] = () => new Sigmoid(),
        ["relu"] = () => new ReLU(),
        ["leaky_relu"] = () => new LeakyReLU(),
        ["elu"] = () => new ELU(),
        ["gelu"] = () => new GELU(),
        ["softmax"] = () => new Softmax(),
    };

    private static readonly Dictionary<string, Func<Loss>> Losses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["softmax_cross_entropy"] = () => new SoftmaxCrossEntropy(),
        ["mean_squared_error"] = () => new MeanSquaredError(),
    };

    /// <summary>The layer types a specification may use.</summary>
    public static IReadOnlyList<string> LayerTypes { get; } =
        ["conv2d", "dense", "maxpool2d", "avgpool2d", "globalavgpool2d", "flatten", "batchnorm", "dropout", "activation"];

    /// <summary>Parses a specification; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ModelFileException">The JSON is malformed or an entry is invalid; the message gives its path.</exception>
    public static (IReadOnlyList<Layer> Layers, Loss Loss) Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: SafeTensorsHeader.Strict); // a duplicate key is an error naming it, not a crash later
        }
        catch (JsonException e)
        {
            throw new ModelFileException(source, $"it is not valid JSON ({e.Message}).", e);
        }
        if (root is not JsonObject model) throw Bad(source, "$", "expected an object with a \"layers\" array");
        if (model["layers"] is not JsonArray layerArray || layerArray.Count == 0)
            throw Bad(source, "$.layers", "expected a non-empty array of layers");
        string lossName = model["loss"] is { } l ? Text(l, source, "$.loss") : "softmax_cross_entropy";
        if (!Losses.TryGetValue(lossName, out var createLoss))
            throw Bad(source, "$.loss", $"unknown loss '{lossName}'; valid: {string.Join(", ", Losses.Keys)}");
        var layers = new List<Layer>();
        for (int i = 0; i < layerArray.Count; i++)
            layers.Add(ParseLayer(layerArray[i], source, $"$.layers[{i}]"));
        return (layers, createLoss());
    }

    /// <summary>The specification of <paramref name="layers"/> and <paramref name="loss"/> as JSON.</summary>
    public static string Describe(IReadOnlyList<Layer> layers, Loss loss)
    {
        var array = new JsonArray();
        foreach (Layer layer in layers) array.Add(DescribeLayer(layer));
        var model = new JsonObject { ["loss"] = LossName(loss), ["layers"] = array };
        return model.ToJsonString();
    }

    private static JsonObject DescribeLayer(Layer layer) => layer switch
    {
        Conv2D c => new JsonObject
        {
            ["type"] = "conv2d", ["filters"] = c.OutChannels, ["kernel"] = Pair(c.KernelHeight, c.KernelWidth),
            ["stride"] = Pair(c.StrideHeight, c.StrideWidth), ["padding"] = DescribePadding(c.Padding), ["bias"] = c.HasBias,
            ["activation"] = ActivationName(c.Activation), ["flatten"] = c.Flattens,
        },
        Dense d => new JsonObject { ["type"] = "dense", ["units"] = d.Neurons, ["bias"] = d.HasBias, ["activation"] = ActivationName(d.Activation) },
        Pooling2D p => new JsonObject
        {
            ["type"] = p.Kind == PoolingKind.Max ? "maxpool2d" : "avgpool2d", ["pool"] = Pair(p.PoolHeight, p.PoolWidth),
            ["stride"] = Pair(p.StrideHeight, p.StrideWidth), ["padding"] = DescribePadding(p.Padding),
        },
        GlobalAvgPool2D => new JsonObject { ["type"] = "globalavgpool2d" },
        BatchNorm b => new JsonObject
        {
            ["type"] = "batchnorm", ["momentum"] = b.Momentum, ["epsilon"] = b.Epsilon, ["activation"] = ActivationName(b.Activation),
        },
        Dropout d => new JsonObject { ["type"] = "dropout", ["rate"] = d.Rate },
        ActivationLayer a => new JsonObject { ["type"] = "activation", ["activation"] = ActivationName(a.Activation) },
        Flatten => new JsonObject { ["type"] = "flatten" },
        _ => throw new NotSupportedException($"Layer {layer.Name} cannot be described in a model specification yet."),
    };

    private static Layer ParseLayer(JsonNode? node, string source, string path)
    {
        if (node is not JsonObject o) throw Bad(source, path, "expected an object with a \"type\"");
        string type = o["type"] is { } t ? Text(t, source, path + ".type") : throw Bad(source, path + ".type", "missing");
        var known = new HashSet<string>(StringComparer.Ordinal) { "type" };
        try
        {
            return ParseLayer(o, type, source, path, known);
        }
        catch (ArgumentException e)
        {
            // A value the layer itself refuses (a dropout rate of 1, say), reported at the entry's path.
            throw Bad(source, path, e.Message.TrimEnd('.'));
        }
    }

    private static Layer ParseLayer(JsonObject o, string type, string source, string path, HashSet<string> known)
    {
        Layer layer;
        switch (type.ToLowerInvariant())
        {
            case "conv2d":
            {
                int filters = Required(o, "filters", source, path, known);
                var (kh, kw) = PairOf(o, "kernel", source, path, known, null);
                var (sh, sw) = PairOf(o, "stride", source, path, known, (1, 1));
                layer = new Conv2D(filters, kh, sh, PaddingOf(o, source, path, known, Padding.Same), Bool(o, "bias", true, source, path, known),
                    ActivationOf(o, source, path, known), Bool(o, "flatten", false, source, path, known), kw, sw);
                break;
            }
            case "dense":
                layer = new Dense(Required(o, "units", source, path, known), ActivationOf(o, source, path, known), Bool(o, "bias", true, source, path, known));
                break;
            case "maxpool2d":
            case "avgpool2d":
            {
                var (ph, pw) = PairOf(o, "pool", source, path, known, (2, 2));
                var (sh, sw) = PairOf(o, "stride", source, path, known, (ph, pw));
                Padding padding = PaddingOf(o, source, path, known, Padding.Valid);
                layer = type.Equals("maxpool2d", StringComparison.OrdinalIgnoreCase)
                    ? new MaxPool2D(ph, sh, padding, pw, sw) : new AvgPool2D(ph, sh, padding, pw, sw);
                break;
            }
            case "globalavgpool2d":
                layer = new GlobalAvgPool2D();
                break;
            case "flatten":
                layer = new Flatten();
                break;
            case "batchnorm":
                layer = new BatchNorm(Number(o, "momentum", 0.1f, source, path, known), Number(o, "epsilon", 1e-5f, source, path, known),
                    ActivationOf(o, source, path, known));
                break;
            case "dropout":
                known.Add("rate");
                layer = new Dropout(o["rate"] is { } rate ? Float(rate, source, path + ".rate") : throw Bad(source, path + ".rate", "missing"));
                break;
            case "activation":
                if (o["activation"] is null) throw Bad(source, path + ".activation", "missing");
                layer = new ActivationLayer(ActivationOf(o, source, path, known));
                break;
            default:
                throw Bad(source, path + ".type", $"unknown layer type '{type}'; valid: {string.Join(", ", LayerTypes)}");
        }
        foreach (var (key, _) in o)
            if (!known.Contains(key)) throw Bad(source, $"{path}.{key}", $"unknown field for a {type} layer");
        return layer;
    }

    private static int Required(JsonObject o, string key, string source, string path, HashSet<string> known)
    {
        known.Add(key);
        return o[key] is { } v ? PositiveInt(v, source, $"{path}.{key}") : throw Bad(source, $"{path}.{key}", "missing");
    }

    private static (int, int) PairOf(JsonObject o, string key, string source, string path, HashSet<string> known, (int, int)? fallback)
    {
        known.Add(key);
        string at = $"{path}.{key}";
        return o[key] switch
        {
            null => fallback ?? throw Bad(source, at, "missing"),
            JsonArray { Count: 2 } a => (PositiveInt(a[0], source, at + "[0]"), PositiveInt(a[1], source, at + "[1]")),
            JsonArray => throw Bad(source, at, "expected a number or [height, width]"),
            var v => (PositiveInt(v, source, at), PositiveInt(v, source, at)),
        };
    }

    private static Padding PaddingOf(JsonObject o, string source, string path, HashSet<string> known, Padding fallback)
    {
        known.Add("padding");
        string at = path + ".padding";
        switch (o["padding"])
        {
            case null: return fallback;
            case JsonArray { Count: 2 } a: return Padding.Explicit(NonNegativeInt(a[0], source, at + "[0]"), NonNegativeInt(a[1], source, at + "[1]"));
            case JsonArray { Count: 4 } a:
                return Padding.Explicit(NonNegativeInt(a[0], source, at + "[0]"), NonNegativeInt(a[1], source, at + "[1]"),
                    NonNegativeInt(a[2], source, at + "[2]"), NonNegativeInt(a[3], source, at + "[3]"));
            case JsonValue v when v.TryGetValue(out string? text):
                return text.ToLowerInvariant() switch
                {
                    "same" => Padding.Same,
                    "valid" => Padding.Valid,
                    _ => throw Bad(source, at, $"expected \"same\", \"valid\", a number or an array, got \"{text}\""),
                };
            case var v:
                int n = NonNegativeInt(v, source, at);
                return Padding.Explicit(n, n);
        }
    }

    private static Operation ActivationOf(JsonObject o, string source, string path, HashSet<string> known)
    {
        known.Add("activation");
        if (o["activation"] is not { } node) return new Linear();
        string name = Text(node, source, path + ".activation");
        return Activations.TryGetValue(name, out var create) ? create()
            : throw Bad(source, path + ".activation", $"unknown activation '{name}'; valid: {string.Join(", ", Activations.Keys)}");
    }

    private static bool Bool(JsonObject o, string key, bool fallback, string source, string path, HashSet<string> known)
    {
        known.Add(key);
        return o[key] switch
        {
            null => fallback,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw Bad(source, $"{path}.{key}", "expected true or false"),
        };
    }

    private static float Number(JsonObject o, string key, float fallback, string source, string path, HashSet<string> known)
    {
        known.Add(key);
        return o[key] is { } node ? Float(node, source, $"{path}.{key}") : fallback;
    }

    private static float Float(JsonNode node, string source, string path) =>
        node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? (float)d
            : throw Bad(source, path, $"expected a number, got {node.ToJsonString()}");

    private static int PositiveInt(JsonNode? node, string source, string path)
    {
        int value = NonNegativeInt(node, source, path);
        return value > 0 ? value : throw Bad(source, path, "expected a positive whole number, got 0");
    }

    private static int NonNegativeInt(JsonNode? node, string source, string path) =>
        node is JsonValue v && v.TryGetValue(out int i) && i >= 0 ? i
            : throw Bad(source, path, $"expected a non-negative whole number, got {node?.ToJsonString() ?? "null"}");

    private static string Text(JsonNode node, string source, string path) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : throw Bad(source, path, $"expected a string, got {node.ToJsonString()}");

    private static JsonNode Pair(int a, int b) => a == b ? JsonValue.Create(a) : new JsonArray(a, b);

    private static JsonNode DescribePadding(Padding p) => p.Mode switch
    {
        PaddingMode.Same => "same",
        PaddingMode.Valid => "valid",
        _ => new JsonArray(p.Top, p.Bottom, p.Left, p.Right),
    };

    private static string ActivationName(Operation activation)
    {
        bool defaults = activation switch
        {
            LeakyReLU l => l.Slope == new LeakyReLU().Slope,
            ELU e => e.Alpha == new ELU().Alpha,
            _ => true,
        };
        string? name = Activations.FirstOrDefault(p => p.Value().GetType() == activation.GetType()).Key;
        return defaults && name is not null ? name
            : throw new NotSupportedException($"Activation {activation.Name} (with these settings) cannot be described in a model specification yet.");
    }

    private static string LossName(Loss loss) =>
        Losses.FirstOrDefault(p => p.Value().GetType() == loss.GetType()).Key
        ?? throw new NotSupportedException($"Loss {loss.Name} cannot be described in a model specification yet.");

    private static ModelFileException Bad(string source, string path, string problem) => new(source, $"{path}: {problem}.");
}
