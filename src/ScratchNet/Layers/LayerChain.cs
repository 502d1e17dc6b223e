using ScratchNet.Kernels;
using ScratchNet.Operations;

namespace ScratchNet.Layers;

/// <summary>
/// Layers in sequence inside a composite layer, under one path ("body", "branches.1", or "" for a
/// <see cref="Sequential"/>): layer i is "{path}.{i}". An empty chain is the identity.
/// </summary>
internal sealed class LayerChain
{
    private readonly Layer[] _layers;
    private readonly string _path;

    public LayerChain(string path, IEnumerable<Layer> layers, string owner)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _path = path;
        _layers = layers.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is null) throw new ArgumentException($"{owner}: layer {PathOf(i)} is null.");
            if (_layers[i].IsBuilt) throw new ArgumentException($"{owner}: layer {PathOf(i)} ({_layers[i].Name}) is already built; use a new instance.");
        }
    }

    /// <summary>The layers, in forward order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>True when the chain passes its input through unchanged.</summary>
    public bool IsIdentity => _layers.Length == 0;

    /// <summary>The layers with their paths relative to the composite ("body.0").</summary>
    public IEnumerable<(string Path, Layer Layer)> Children() => _layers.Select((layer, i) => (PathOf(i), layer));

    private string PathOf(int i) => _path.Length == 0 ? $"{i}" : $"{_path}.{i}";

    /// <summary>
    /// Builds every layer for samples of <paramref name="sampleShape"/>. Layer i's seed comes from the composite's seed
    /// and the layer's path alone, so adding a branch elsewhere leaves this one's initial weights as they were.
    /// Returns the output sample shape.
    /// </summary>
    public int[] Build(ReadOnlySpan<int> sampleShape, int seed, ComputeContext compute)
    {
        int[] shape = sampleShape.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i].Seed = ChildSeed(seed, PathOf(i));
            _layers[i].Compute = compute;
            _layers[i].Build(shape);
            shape = _layers[i].OutputSampleShape(shape);
        }
        return shape;
    }

    /// <summary>The output sample shape for input samples of <paramref name="sampleShape"/>, without building.</summary>
    public int[] OutputSampleShape(ReadOnlySpan<int> sampleShape)
    {
        int[] shape = sampleShape.ToArray();
        foreach (Layer layer in _layers) shape = layer.OutputSampleShape(shape);
        return shape;
    }

    /// <summary>Adds the state shapes of every layer, named by path, and returns the output sample shape.</summary>
    public int[] StateShapes(ReadOnlySpan<int> sampleShape, List<(string Name, int[] Shape)> state)
    {
        int[] shape = sampleShape.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            foreach (var (name, tensorShape) in _layers[i].StateShapes(shape)) state.Add(($"{PathOf(i)}.{name}", tensorShape));
            shape = _layers[i].OutputSampleShape(shape);
        }
        return shape;
    }

    /// <summary>Whether the chain's first layer produces ∂L/∂input.</summary>
    public bool ComputesInputGradient
    {
        set
        {
            if (_layers.Length > 0) _layers[0].ComputesInputGradient = value;
        }
    }

    // x: [N, ...] → the last layer's output; for loops, not enumerators: a training step allocates nothing.
    public Tensor Forward(Tensor x, bool training)
    {
        if (!training && InferenceFusion.Active)
        {
            for (int i = 0, ran; i < _layers.Length; i += ran) (x, ran) = InferenceFusion.Step(_layers, i, x);
            return x;
        }
        for (int i = 0; i < _layers.Length; i++) x = _layers[i].Forward(x, training);
        return x;
    }

    // ∂L/∂output → ∂L/∂input through the layers in reverse (null once a layer stops computing it).
    public Tensor? Backward(Tensor gradient)
    {
        Tensor? g = gradient;
        for (int i = _layers.Length - 1; i >= 0 && g is not null; i--) g = _layers[i].Backward(g);
        return g;
    }

    /// <summary>The seed of the child at <paramref name="path"/> under a composite seeded with <paramref name="seed"/>.</summary>
    internal static int ChildSeed(int seed, string path)
    {
        ulong state = (uint)seed;
        foreach (char c in path) state = new SplitMix64(state ^ c).Next();   // stable, unlike string.GetHashCode
        return unchecked((int)new SplitMix64(state).Next());
    }
}
