namespace ScratchNet.Onnx;

/// <summary>
/// One step of the layer structure <see cref="OnnxGraphWalker"/> recovers from a graph, before it becomes layers:
/// a node that reads one computed value, the GELU pattern, a residual sum or a concatenation of branches.
/// </summary>
internal abstract record OnnxStep;

/// <summary>A node with one computed input (the others are constants): Conv, Gemm, Relu, …</summary>
internal sealed record NodeStep(OnnxNode Node) : OnnxStep;

/// <summary>Exact GELU, written as 0.5·x·(1 + erf(x/√2)) (five nodes ending at <paramref name="Last"/>) or as one Gelu node.</summary>
internal sealed record GeluStep(OnnxNode Last) : OnnxStep;

/// <summary>An Add of two paths from one value: the body (the longer path) and the shortcut (empty: the identity).</summary>
internal sealed record ResidualStep(IReadOnlyList<OnnxStep> Body, IReadOnlyList<OnnxStep> Shortcut, OnnxNode Add) : OnnxStep;

/// <summary>A Concat of branches from one value (an empty branch is the value itself).</summary>
internal sealed record ConcatStep(IReadOnlyList<IReadOnlyList<OnnxStep>> Branches, OnnxNode Concat) : OnnxStep;
