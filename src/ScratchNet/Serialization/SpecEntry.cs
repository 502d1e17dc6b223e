using System.Text.Json.Nodes;
using ScratchNet.Layers;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Serialization;

/// <summary>
/// One layer object of a model specification being read: each field read is marked known (so a misspelt one is
/// reported), and every error names the source and the JSON path of the field, e.g. <c>$.layers[3].body[0].kernel</c>.
/// </summary>
internal sealed class SpecEntry(JsonObject entry, string source, string path)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "type" };

    /// <summary>The JSON path of the entry.</summary>
    public string Path => path;

    /// <summary>A required positive whole number.</summary>
    public int Required(string key) =>
        Field(key) is { } v ? PositiveInt(v, $"{path}.{key}") : throw Bad($"{path}.{key}", "missing");

    /// <summary>An optional positive whole number.</summary>
    public int Int(string key, int fallback) => Field(key) is { } v ? PositiveInt(v, $"{path}.{key}") : fallback;

    /// <summary>A number (finite); required when <paramref name="fallback"/> is null.</summary>
    public float Number(string key, float? fallback) => Field(key) is { } node ? Float(node, $"{path}.{key}")
        : fallback ?? throw Bad($"{path}.{key}", "missing");

    /// <summary>true or false.</summary>
    public bool Bool(string key, bool fallback) => Field(key) switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw Bad($"{path}.{key}", "expected true or false"),
    };

    /// <summary>A number n (meaning [n, n]) or [height, width]; required when <paramref name="fallback"/> is null.</summary>
    public (int, int) Pair(string key, (int, int)? fallback)
    {
        string at = $"{path}.{key}";
        return Field(key) switch
        {
            null => fallback ?? throw Bad(at, "missing"),
            JsonArray { Count: 2 } a => (PositiveInt(a[0], at + "[0]"), PositiveInt(a[1], at + "[1]")),
            JsonArray => throw Bad(at, "expected a number or [height, width]"),
            var v => (PositiveInt(v, at), PositiveInt(v, at)),
        };
    }

    /// <summary>"same", "valid", n, [rows, cols] or [top, bottom, left, right].</summary>
    public Padding Padding(Padding fallback)
    {
        string at = path + ".padding";
        switch (Field("padding"))
        {
            case null: return fallback;
            case JsonArray { Count: 2 } a: return Operations.Padding.Explicit(NonNegativeInt(a[0], at + "[0]"), NonNegativeInt(a[1], at + "[1]"));
            case JsonArray { Count: 4 } a:
                return Operations.Padding.Explicit(NonNegativeInt(a[0], at + "[0]"), NonNegativeInt(a[1], at + "[1]"),
                    NonNegativeInt(a[2], at + "[2]"), NonNegativeInt(a[3], at + "[3]"));
            case JsonValue v when v.TryGetValue(out string? text):
                return text.ToLowerInvariant() switch
                {
                    "same" => Operations.Padding.Same,
                    "valid" => Operations.Padding.Valid,
                    _ => throw Bad(at, $"expected \"same\", \"valid\", a number or an array, got \"{text}\""),
                };
            case var v:
                int n = NonNegativeInt(v, at);
                return Operations.Padding.Explicit(n, n);
        }
    }

    /// <summary>
    /// The activation of the "activation" field: a name, or {"type": name, settings…} for a registered operation with
    /// settings; linear when absent, unless <paramref name="required"/>.
    /// </summary>
    public Operation Activation(bool required = false)
    {
        string at = path + ".activation";
        switch (Field("activation"))
        {
            case null:
                return required ? throw Bad(at, "missing") : new Linear();
            case JsonObject settings:
                var entry = new SpecEntry(settings, source, at);
                string type = settings["type"] is { } t ? Text(t, at + ".type") : throw Bad(at + ".type", "missing");
                Operation operation = ModelSpec.CreateActivation(type) ?? Registered(type, at + ".type")?.Create(entry) as Operation
                    ?? throw Bad(at + ".type", UnknownActivation(type));
                entry.RejectUnknown(type);
                return operation;
            case var node:
                string name = Text(node, at);
                return ModelSpec.CreateActivation(name) ?? Registered(name, at)?.Create(null) as Operation ?? throw Bad(at, UnknownActivation(name));
        }
    }

    // A registered operation named name; a registered layer there is a mistake worth its own message.
    private CustomKind? Registered(string name, string at) => LayerRegistry.Named(name) switch
    {
        { IsLayer: true } layer => throw Bad(at, $"'{name}' is a registered layer ({layer.Type.Name}), not an operation: give it its own entry, {{\"type\": \"{name}\"}}"),
        var operation => operation,
    };

    private static string UnknownActivation(string name)
    {
        IEnumerable<string> registered = LayerRegistry.Names.Where(n => !LayerRegistry.Named(n)!.IsLayer);
        return $"unknown activation '{name}'; valid: {string.Join(", ", ModelSpec.ActivationNames.Concat(registered))}. If '{name}' is an operation of your own, register it: " +
               LayerRegistry.HowToRegister("YourOperation", name);
    }

    /// <summary>The value of the setting <paramref name="key"/> of a registered class (marked known), or null when absent.</summary>
    public JsonNode? Setting(string key) => Field(key);

    /// <summary>
    /// A nested array of layers (a block's "layers", a residual's "body"), each parsed at its own path; an absent
    /// field is null, and an empty array is allowed only when <paramref name="allowEmpty"/>.
    /// </summary>
    public IReadOnlyList<Layer>? Layers(string key, bool allowEmpty) => Field(key) switch
    {
        null => null,
        var node => LayerArray(node, $"{path}.{key}", allowEmpty),
    };

    /// <summary>A required array of at least two layer arrays (a concat's "branches"); an empty branch is the identity.</summary>
    public IReadOnlyList<IReadOnlyList<Layer>> Branches(string key)
    {
        string at = $"{path}.{key}";
        if (Field(key) is not JsonArray { Count: >= 2 } branches) throw Bad(at, "expected an array of at least two branches, each an array of layers");
        return branches.Select((b, i) => LayerArray(b, $"{at}[{i}]", allowEmpty: true)).ToArray();
    }

    /// <summary>Fails on the first field no reader asked for.</summary>
    public void RejectUnknown(string type)
    {
        foreach (var (key, _) in entry)
            if (!_known.Contains(key)) throw Bad($"{path}.{key}", $"unknown field for a {type} layer");
    }

    /// <summary>An error at <paramref name="at"/> (a JSON path) in this source.</summary>
    public ModelFileException Bad(string at, string problem) => new(source, $"{at}: {problem}.");

    private JsonNode? Field(string key)
    {
        _known.Add(key);
        return entry[key];
    }

    private List<Layer> LayerArray(JsonNode? node, string at, bool allowEmpty)
    {
        if (node is not JsonArray array || (array.Count == 0 && !allowEmpty))
            throw Bad(at, allowEmpty ? "expected an array of layers" : "expected a non-empty array of layers");
        var layers = new List<Layer>();
        for (int i = 0; i < array.Count; i++) layers.Add(ModelSpec.ParseLayer(array[i], source, $"{at}[{i}]"));
        return layers;
    }

    private float Float(JsonNode node, string at) =>
        node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? (float)d
            : throw Bad(at, $"expected a number, got {node.ToJsonString()}");

    private int PositiveInt(JsonNode? node, string at)
    {
        int value = NonNegativeInt(node, at);
        return value > 0 ? value : throw Bad(at, "expected a positive whole number, got 0");
    }

    private int NonNegativeInt(JsonNode? node, string at) =>
        node is JsonValue v && v.TryGetValue(out int i) && i >= 0 ? i
            : throw Bad(at, $"expected a non-negative whole number, got {node?.ToJsonString() ?? "null"}");

    internal string Text(JsonNode node, string at) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : throw Bad(at, $"expected a string, got {node.ToJsonString()}");
}
