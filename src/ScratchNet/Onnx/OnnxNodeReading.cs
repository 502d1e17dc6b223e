using ScratchNet.Operations;

namespace ScratchNet.Onnx;

/// <summary>Reads a node's attributes and constant inputs for import, with messages that name the node.</summary>
internal static class OnnxNodeReading
{
    /// <summary>An int attribute, or <paramref name="fallback"/> when absent.</summary>
    public static long Int(this OnnxNode node, string name, long fallback) => node.Attribute(name)?.IntValue ?? fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public static float Float(this OnnxNode node, string name, float fallback) => node.Attribute(name)?.FloatValue ?? fallback;

    /// <summary>An ints attribute of exactly <paramref name="count"/> values in [<paramref name="min"/>, 65,536], or <paramref name="fallback"/>.</summary>
    public static int[] Ints(this OnnxNode node, string name, int count, int[]? fallback, int min)
    {
        long[]? values = node.Attribute(name)?.IntsValue;
        if (values is null) return fallback ?? throw new OnnxImportException($"{node.Describe()} has no '{name}' attribute.");
        if (values.Length != count || values.Any(v => v < min || v > 65_536))
            throw new OnnxImportException($"{node.Describe()} has {name} [{string.Join(", ", values)}]; ScratchNet reads {count} values of at least {min} (2-D images).");
        return values.Select(v => (int)v).ToArray();
    }

    /// <summary>The constant input <paramref name="index"/> (a weight), which must be an initializer or a Constant node's value.</summary>
    public static OnnxTensor Weight(this OnnxGraphIndex graph, OnnxNode node, int index, string what)
    {
        string name = index < node.Inputs.Length ? node.Inputs[index] : "";
        if (name.Length == 0) throw new OnnxImportException($"{node.Describe()} has no {what} input.");
        OnnxTensor tensor = graph.Constant(name)
            ?? throw new OnnxImportException($"{node.Describe()} takes its {what} from a node output, not an initializer; ScratchNet reads weights stored in the file.");
        if (tensor.Integers is not null) throw new OnnxImportException($"{node.Describe()} has an integer {what} '{name}'; weights are float32.");
        if (tensor.Values.Any(v => !float.IsFinite(v))) throw new OnnxImportException($"{node.Describe()}: its {what} '{name}' holds NaN or infinite values.");
        return tensor;
    }

    /// <summary>The optional constant input <paramref name="index"/> (a bias), or null when absent.</summary>
    public static OnnxTensor? OptionalWeight(this OnnxGraphIndex graph, OnnxNode node, int index, string what) =>
        index < node.Inputs.Length && node.Inputs[index].Length > 0 ? graph.Weight(node, index, what) : null;

    /// <summary>The bias of <paramref name="count"/> values (a tensor of shape [count] or [1, count], or one value for all).</summary>
    public static float[] Vector(this OnnxTensor tensor, OnnxNode node, int count, string what) =>
        tensor.Count == count && tensor.Dims.Count(d => d != 1) <= 1 ? tensor.Values
        : tensor.Count == 1 ? Enumerable.Repeat(tensor.Values[0], count).ToArray()
        : throw new OnnxImportException($"{node.Describe()}: its {what} '{tensor.Name}' has shape [{string.Join(", ", tensor.Dims)}], where {count} values were expected.");

    /// <summary>
    /// The padding of a 2-D window from ONNX's auto_pad and pads ([top, left, bottom, right]) for an input of
    /// <paramref name="height"/>×<paramref name="width"/>: "same" when the pads are what ScratchNet's same padding gives
    /// (preferred to "valid" where both mean no padding when <paramref name="preferSame"/>), else valid or explicit.
    /// </summary>
    public static Padding Padding(this OnnxNode node, int[] kernel, int[] strides, int height, int width, bool preferSame)
    {
        string autoPad = node.Attribute("auto_pad")?.StringValue ?? "NOTSET";
        if (autoPad == "SAME_UPPER") return Operations.Padding.Same;   // the extra zero at the bottom and right, as ScratchNet's "same"
        if (autoPad == "VALID") return Operations.Padding.Valid;
        if (autoPad != "NOTSET")
            throw new OnnxImportException($"{node.Describe()} has auto_pad {autoPad}; ScratchNet reads NOTSET (explicit pads), VALID and SAME_UPPER.");
        int[] pads = node.Ints("pads", 4, [0, 0, 0, 0], min: 0);
        var (top, bottom) = Operations.Padding.Same.Resolve(height, kernel[0], strides[0], vertical: true);
        var (left, right) = Operations.Padding.Same.Resolve(width, kernel[1], strides[1], vertical: false);
        bool same = pads.SequenceEqual([top, left, bottom, right]), none = pads.All(p => p == 0);
        if (same && (preferSame || !none)) return Operations.Padding.Same;
        return none ? Operations.Padding.Valid : Operations.Padding.Explicit(pads[0], pads[2], pads[1], pads[3]);
    }

    /// <summary>Dilations other than 1 have no ScratchNet equivalent.</summary>
    public static void RequireNoDilation(this OnnxNode node)
    {
        if (node.Ints("dilations", 2, [1, 1], min: 1).Any(d => d != 1))
            throw new OnnxImportException($"{node.Describe()} is dilated; ScratchNet's windows are not.");
    }
}
