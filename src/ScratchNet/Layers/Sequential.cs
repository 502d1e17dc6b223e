namespace ScratchNet.Layers;

/// <summary>
/// Layers in sequence as one block, like PyTorch's <c>nn.Sequential</c>: y = fₙ(…f₁(x)). Its parameters are named
/// "{i}.{name}" ("0.weight"), so inside a network at position 3 they read "3.0.weight".
/// </summary>
public sealed class Sequential : CompositeLayer
{
    /// <summary>Creates a block of <paramref name="layers"/> (new instances, not yet built; at least one).</summary>
    public Sequential(IEnumerable<Layer> layers) : base(new LayerChain("", layers, "Sequential"))
    {
        if (Chains[0].IsIdentity) throw new ArgumentException("Sequential: a block needs at least one layer.", nameof(layers));
    }

    /// <summary>Creates a block of <paramref name="layers"/>.</summary>
    public Sequential(params Layer[] layers) : this((IEnumerable<Layer>)layers)
    {
    }

    /// <summary>The layers, in forward order.</summary>
    public IReadOnlyList<Layer> Layers => Chains[0].Layers;

    private protected override int[] Combine(int[][] outputs) => outputs[0];

    // x: [N, ...] → fₙ(…f₁(x)); backward: ∂L/∂x = f₁′ᵀ(…fₙ′ᵀ(∂L/∂y)), the layers in reverse.
    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, bool training) => Chains[0].Forward(input, training);

    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient) => Chains[0].Backward(outputGradient);
}
