using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>
/// A layer made of layers (<see cref="Sequential"/>, <see cref="Residual"/>, <see cref="Concat"/>), in the spirit of
/// PyTorch's modules: it builds its children from its own first input shape, seeds each from its path, hands them its
/// threads, and names their parameters by path ("body.0.weight"). Its <see cref="Layer.Operations"/> are all of its
/// children's operations, so whatever walks a network's operations (the trainer reseeding dropout) finds nested ones.
/// </summary>
public abstract class CompositeLayer : Layer
{
    private readonly LayerChain[] _chains;
    private readonly (string Path, Layer Layer)[] _children;

    private protected CompositeLayer(params LayerChain[] chains)
    {
        _chains = chains;
        _children = chains.SelectMany(c => c.Children()).ToArray();
    }

    private protected IReadOnlyList<LayerChain> Chains => _chains;

    /// <inheritdoc />
    public override IReadOnlyList<(string Path, Layer Layer)> Children => _children;

    /// <summary>
    /// The output sample shape made from the chains' output sample shapes (in chain order), or a
    /// <see cref="ShapeMismatchException"/> naming the block and both shapes when they cannot be combined.
    /// </summary>
    private protected abstract int[] Combine(int[][] outputs);

    /// <summary>Operations of the composite itself that run after the children (an activation after a sum).</summary>
    private protected virtual IEnumerable<Operation> OwnOperations() => [];

    /// <inheritdoc />
    protected override void ApplyComputesInputGradient(bool value)
    {
        foreach (LayerChain chain in _chains) chain.ComputesInputGradient = value;
    }

    /// <inheritdoc />
    protected sealed override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        var outputs = new int[_chains.Length][];
        for (int i = 0; i < _chains.Length; i++) outputs[i] = _chains[i].Build(sampleShape, Seed, Compute);
        Combine(outputs);
        return [.. _children.SelectMany(c => c.Layer.Operations), .. OwnOperations()];
    }

    /// <inheritdoc />
    protected sealed override int[] ComputeOutputShape(int[] inputShape)
    {
        var outputs = new int[_chains.Length][];
        for (int i = 0; i < _chains.Length; i++) outputs[i] = _chains[i].OutputSampleShape(inputShape.AsSpan(1));
        return [inputShape[0], .. Combine(outputs)];
    }

    /// <inheritdoc />
    public sealed override IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape)
    {
        var state = new List<(string Name, int[] Shape)>();
        var outputs = new int[_chains.Length][];
        for (int i = 0; i < _chains.Length; i++) outputs[i] = _chains[i].StateShapes(sampleShape, state);
        Combine(outputs);
        return state;
    }

    private protected static string Shape(int[] sampleShape) => Tensor.FormatShape(sampleShape);
}
