using System.Text.Json.Nodes;
using ScratchNet.Layers;
using ScratchNet.Operations;

namespace ScratchNet.Serialization;

/// <summary>
/// One "type" of a model specification: its name, which layers it describes, how an entry becomes a layer and how a
/// layer becomes an entry. The one table of kinds below serves <see cref="ModelSpec.LayerTypes"/>, the parser and the
/// describer alike, so a new layer kind is added in one place.
/// </summary>
internal sealed record LayerKind(string Name, Func<Layer, bool> Describes, Func<SpecEntry, Layer> Parse, Func<Layer, JsonObject> Describe);

/// <summary>The layer kinds a specification knows, plain and composite.</summary>
internal static class LayerKinds
{
    public static IReadOnlyList<LayerKind> All { get; } =
    [
        new("conv2d", l => l is Conv2D, Conv2DOf, l =>
        {
            var c = (Conv2D)l;
            var o = new JsonObject
            {
                ["type"] = "conv2d", ["filters"] = c.OutChannels, ["kernel"] = Pair(c.KernelHeight, c.KernelWidth),
                ["stride"] = Pair(c.StrideHeight, c.StrideWidth), ["padding"] = DescribePadding(c.Padding), ["bias"] = c.HasBias,
                ["activation"] = ModelSpec.ActivationName(c.Activation), ["flatten"] = c.Flattens,
            };
            if (c.Groups != 1) o["groups"] = c.Groups;   // older readers never see the field they would not know
            return o;
        }),
        new("dense", l => l is Dense, e => new Dense(e.Required("units"), e.Activation(), e.Bool("bias", true)), l =>
        {
            var d = (Dense)l;
            return new JsonObject { ["type"] = "dense", ["units"] = d.Neurons, ["bias"] = d.HasBias, ["activation"] = ModelSpec.ActivationName(d.Activation) };
        }),
        new("maxpool2d", l => l is Pooling2D { Kind: PoolingKind.Max }, e => PoolingOf(e, PoolingKind.Max), l => DescribePooling((Pooling2D)l, "maxpool2d")),
        new("avgpool2d", l => l is Pooling2D { Kind: PoolingKind.Average }, e => PoolingOf(e, PoolingKind.Average), l => DescribePooling((Pooling2D)l, "avgpool2d")),
        new("globalavgpool2d", l => l is GlobalAvgPool2D, _ => new GlobalAvgPool2D(), _ => new JsonObject { ["type"] = "globalavgpool2d" }),
        new("flatten", l => l is Flatten, _ => new Flatten(), _ => new JsonObject { ["type"] = "flatten" }),
        new("batchnorm", l => l is BatchNorm, e => new BatchNorm(e.Number("momentum", 0.1f), e.Number("epsilon", 1e-5f), e.Activation()), l =>
        {
            var b = (BatchNorm)l;
            return new JsonObject { ["type"] = "batchnorm", ["momentum"] = b.Momentum, ["epsilon"] = b.Epsilon, ["activation"] = ModelSpec.ActivationName(b.Activation) };
        }),
        new("dropout", l => l is Dropout, e => new Dropout(e.Number("rate", null)), l => new JsonObject { ["type"] = "dropout", ["rate"] = ((Dropout)l).Rate }),
        new("activation", l => l is ActivationLayer, e => new ActivationLayer(e.Activation(required: true)),
            l => new JsonObject { ["type"] = "activation", ["activation"] = ModelSpec.ActivationName(((ActivationLayer)l).Activation) }),
        // Composite kinds: their nested layers are entries of the same table, at paths such as $.layers[3].body[0].
        new("sequential", l => l is Sequential, e => new Sequential(e.Layers("layers", allowEmpty: false) ?? throw e.Bad(e.Path + ".layers", "missing")),
            l => new JsonObject { ["type"] = "sequential", ["layers"] = DescribeLayers(((Sequential)l).Layers) }),
        new("residual", l => l is Residual, e => new Residual(
                e.Layers("body", allowEmpty: false) ?? throw e.Bad(e.Path + ".body", "missing"), e.Layers("shortcut", allowEmpty: true), e.Activation()),
            l =>
            {
                var r = (Residual)l;
                return new JsonObject
                {
                    ["type"] = "residual", ["body"] = DescribeLayers(r.Body), ["shortcut"] = DescribeLayers(r.Shortcut),
                    ["activation"] = ModelSpec.ActivationName(r.Activation),
                };
            }),
        new("concat", l => l is Concat, e => new Concat(e.Branches("branches")),
            l => new JsonObject { ["type"] = "concat", ["branches"] = new JsonArray([.. ((Concat)l).Branches.Select(b => (JsonNode)DescribeLayers(b))]) }),
    ];

    /// <summary>The built-in kind named <paramref name="name"/> (any case), or null.</summary>
    public static LayerKind? Builtin(string name) => All.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The kind named <paramref name="name"/> (any case), built in or a layer registered with <see cref="LayerRegistry"/>, or null.</summary>
    public static LayerKind? Named(string name) => Builtin(name) ?? (LayerRegistry.Named(name) is { IsLayer: true } custom ? custom.AsLayerKind : null);

    /// <summary>The entry for <paramref name="layer"/>; a registered class is described as itself even when it derives from a built-in layer.</summary>
    /// <exception cref="NotSupportedException">No kind describes it: a layer of the user's that is not registered.</exception>
    public static JsonObject Describe(Layer layer) =>
        (LayerRegistry.Of(layer.GetType()) is { IsLayer: true } custom ? custom.AsLayerKind : null)?.Describe(layer)
        ?? (All.FirstOrDefault(k => k.Describes(layer) && layer.GetType().Assembly == typeof(Layer).Assembly)
            ?? throw new NotSupportedException($"Layer {layer.GetType().FullName} is not built in and is not registered, so a model file cannot name it. Register it: " +
                                               LayerRegistry.HowToRegister(layer.GetType().Name, "a_name") + "."))
        .Describe(layer);

    private static JsonArray DescribeLayers(IEnumerable<Layer> layers) => new([.. layers.Select(l => (JsonNode)Describe(l))]);

    private static Conv2D Conv2DOf(SpecEntry e)
    {
        int filters = e.Required("filters");
        var (kh, kw) = e.Pair("kernel", null);
        var (sh, sw) = e.Pair("stride", (1, 1));
        return new Conv2D(filters, kh, sh, e.Padding(Padding.Same), e.Bool("bias", true), e.Activation(), e.Bool("flatten", false), kw, sw, e.Int("groups", 1));
    }

    private static Pooling2D PoolingOf(SpecEntry e, PoolingKind kind)
    {
        var (ph, pw) = e.Pair("pool", (2, 2));
        var (sh, sw) = e.Pair("stride", (ph, pw));
        Padding padding = e.Padding(Padding.Valid);
        return kind == PoolingKind.Max ? new MaxPool2D(ph, sh, padding, pw, sw) : new AvgPool2D(ph, sh, padding, pw, sw);
    }

    private static JsonObject DescribePooling(Pooling2D p, string type) => new()
    {
        ["type"] = type, ["pool"] = Pair(p.PoolHeight, p.PoolWidth), ["stride"] = Pair(p.StrideHeight, p.StrideWidth), ["padding"] = DescribePadding(p.Padding),
    };

    private static JsonNode Pair(int a, int b) => a == b ? JsonValue.Create(a) : new JsonArray(a, b);

    private static JsonNode DescribePadding(Padding p) => p.Mode switch
    {
        PaddingMode.Same => "same",
        PaddingMode.Valid => "valid",
        _ => new JsonArray(p.Top, p.Bottom, p.Left, p.Right),
    };
}
