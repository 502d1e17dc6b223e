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
/// conv2d (filters, kernel = n or [h, w], stride = n or [h, w], padding = "same" | "valid" | n | [rows, cols] | [top, bottom, left, right], bias, activation, flatten, groups);
/// dense (units, bias, activation); maxpool2d and avgpool2d (pool = n or [h, w], stride, padding); globalavgpool2d; flatten.
/// batchnorm (momentum, epsilon, activation); dropout (rate); activation (activation).
/// Composite: sequential (layers); residual (body, shortcut = [] for the identity, activation); concat (branches: arrays of layers).
/// Activations: linear, tanh, sigmoid, relu, leaky_relu (slope 0.01), elu (alpha 1), gelu, softmax. Errors name the JSON path of the bad entry, e.g. <c>$.layers[1].kernel</c>.
/// Classes registered with <see cref="LayerRegistry"/> add their names: a layer as a type whose fields are its settings, an
/// operation as an activation (its name, or {"type": name, settings…}).
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

    /// <summary>The built-in layer types a specification may use, plain and composite (and those of <see cref="LayerRegistry.Names"/>).</summary>
    public static IReadOnlyList<string> LayerTypes { get; } = LayerKinds.All.Select(k => k.Name).ToArray();

    /// <summary>The activation names a specification may use.</summary>
    internal static IEnumerable<string> ActivationNames => Activations.Keys;

    /// <summary>A new activation named <paramref name="name"/> (any case), or null.</summary>
    internal static Operation? CreateActivation(string name) => Activations.TryGetValue(name, out var create) ? create() : null;

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
        foreach (Layer layer in layers) array.Add(LayerKinds.Describe(layer));
        var model = new JsonObject { ["loss"] = LossName(loss), ["layers"] = array };
        return model.ToJsonString();
    }

    /// <summary>The layer of the entry at <paramref name="path"/> (top level or nested in a composite).</summary>
    internal static Layer ParseLayer(JsonNode? node, string source, string path)
    {
        if (node is not JsonObject o) throw Bad(source, path, "expected an object with a \"type\"");
        string type = o["type"] is { } t ? Text(t, source, path + ".type") : throw Bad(source, path + ".type", "missing");
        LayerKind kind = LayerKinds.Named(type) ?? throw Bad(source, path + ".type", UnknownType(type));
        var entry = new SpecEntry(o, source, path);
        Layer layer;
        try
        {
            layer = kind.Parse(entry);
        }
        catch (ArgumentException e)
        {
            // A value the layer itself refuses (a dropout rate of 1, say), reported at the entry's path.
            throw Bad(source, path, e.Message.TrimEnd('.'));
        }
        entry.RejectUnknown(type);
        return layer;
    }

    private static string Text(JsonNode node, string source, string path) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : throw Bad(source, path, $"expected a string, got {node.ToJsonString()}");

    // What to say about a type that is neither built in nor registered as a layer.
    private static string UnknownType(string type)
    {
        if (LayerRegistry.Named(type) is { IsLayer: false } operation)
            return $"'{type}' is a registered operation ({operation.Type.Name}), not a layer: use it as an activation, " +
                   $"e.g. {{\"type\": \"activation\", \"activation\": \"{type}\"}}";
        IReadOnlyList<string> registered = LayerRegistry.Names.Where(n => LayerRegistry.Named(n)!.IsLayer).ToArray();
        return $"unknown layer type '{type}'; valid: {string.Join(", ", LayerTypes.Concat(registered))}. If '{type}' is a layer of your own, register it: " +
               LayerRegistry.HowToRegister("YourLayer", type);
    }

    /// <summary>
    /// The "activation" field for <paramref name="activation"/>: a built-in's name, or a registered operation's name (an
    /// object with its settings when it has any).
    /// </summary>
    /// <exception cref="NotSupportedException">A built-in with settings other than its defaults, or an operation that is not registered.</exception>
    internal static JsonNode ActivationName(Operation activation)
    {
        if (LayerRegistry.Of(activation.GetType()) is { IsLayer: false } custom) return custom.DescribeActivation(activation);
        bool defaults = activation switch
        {
            LeakyReLU l => l.Slope == new LeakyReLU().Slope,
            ELU e => e.Alpha == new ELU().Alpha,
            _ => true,
        };
        string? name = Activations.FirstOrDefault(p => p.Value().GetType() == activation.GetType()).Key;
        if (name is null)
            throw new NotSupportedException($"Activation {activation.GetType().FullName} is not built in and is not registered, so a model file cannot name it. Register it: " +
                                            LayerRegistry.HowToRegister(activation.GetType().Name, "a_name") + ".");
        return defaults ? name
            : throw new NotSupportedException($"Activation {activation.Name} with settings other than its defaults cannot be described in a model specification yet.");
    }

    private static string LossName(Loss loss) =>
        Losses.FirstOrDefault(p => p.Value().GetType() == loss.GetType()).Key
        ?? throw new NotSupportedException($"Loss {loss.Name} cannot be described in a model specification yet.");

    private static ModelFileException Bad(string source, string path, string problem) => new(source, $"{path}: {problem}.");
}
