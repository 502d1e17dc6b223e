using ScratchNet.Data;

namespace ScratchNet.Onnx;

/// <summary>
/// The model's normalisation, written at the graph's input as Sub of a per-channel constant (the mean), Div of one
/// (the std), or both in that order, as <see cref="OnnxExporter"/> and a hand-built PyTorch wrapper write it. Without
/// them the model has none and takes raw 0–255 pixels.
/// </summary>
internal static class OnnxNormalization
{
    /// <summary>The value the layers start from (after the normalisation nodes) and the normalisation (null: none).</summary>
    public static (string Start, Standardizer? Normalization) Find(OnnxGraphIndex index, OnnxGraphWalker walker, int channels)
    {
        string start = index.Input.Name;
        var nodes = new List<OnnxNode>();
        float[]? mean = Take(index, ref start, "Sub", channels, nodes), std = Take(index, ref start, "Div", channels, nodes);
        if (mean is null && std is null) return (start, null);
        mean ??= new float[channels];
        std ??= Enumerable.Repeat(1f, channels).ToArray();
        if (std.Any(s => !(s > 0)))
            throw new OnnxImportException($"the normalisation at the input divides by [{string.Join(", ", std)}]; a standard deviation must be positive.");
        // The walk stops at the start value, so the normalisation nodes count as walked here.
        foreach (OnnxNode node in nodes) walker.MarkWalked(node);
        return (start, new Standardizer(mean, std));
    }

    // The constant of the one node of type op reading `value` by a constant second operand; moves `value` past it.
    private static float[]? Take(OnnxGraphIndex index, ref string value, string op, int channels, List<OnnxNode> nodes)
    {
        if (index.Consumers(value) is not [{ } node] || node.OpType != op || node.Inputs.Length != 2 || node.Inputs[0] != value) return null;
        if (index.Constant(node.Inputs[1]) is not { Integers: null } constant)
            throw new OnnxImportException($"{node.Describe()} at the input does not {(op == "Sub" ? "subtract" : "divide by")} a constant; ScratchNet reads it as the normalisation, a constant per channel.");
        bool perChannel = constant.Count == channels && constant.Dims is [1, _, 1, 1] or [_, 1, 1] || constant.Count == 1;
        if (!perChannel || constant.Values.Any(v => !float.IsFinite(v)))
            throw new OnnxImportException($"{node.Describe()} at the input uses '{constant.Name}' of shape [{string.Join(", ", constant.Dims)}]; " +
                                          $"the normalisation is one finite value per channel, [1, {channels}, 1, 1], or one for all.");
        value = node.Outputs[0];
        nodes.Add(node);
        return constant.Count == channels ? constant.Values : Enumerable.Repeat(constant.Values[0], channels).ToArray();
    }
}
