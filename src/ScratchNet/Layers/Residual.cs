using System.Numerics.Tensors;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>
/// A residual block (He et al., 2016): y = activation(body(x) + shortcut(x)). The shortcut is the identity when it
/// has no layers, or a projection (typically a 1×1 <see cref="Conv2D"/> with the body's stride, then a
/// <see cref="BatchNorm"/>) when the body changes the shape. Parameters are named "body.{i}.{name}" and
/// "shortcut.{i}.{name}" ("3.body.0.weight" at position 3 of a network).
/// </summary>
public sealed class Residual : CompositeLayer
{
    private Tensor? _sum;
    private Tensor? _inputGradient;

    /// <summary>Creates the block.</summary>
    /// <param name="body">The main path (new instances, at least one layer).</param>
    /// <param name="shortcut">The shortcut path; the identity when null or empty.</param>
    /// <param name="activation">Applied after the sum (a new instance per block, as it caches its input); none when null.</param>
    public Residual(IEnumerable<Layer> body, IEnumerable<Layer>? shortcut = null, Operation? activation = null)
        : base(new LayerChain("body", body, "Residual"), new LayerChain("shortcut", shortcut ?? [], "Residual"))
    {
        if (Chains[0].IsIdentity) throw new ArgumentException("Residual: the body needs at least one layer.", nameof(body));
        Activation = activation ?? new Linear();
    }

    /// <summary>The layers of the main path.</summary>
    public IReadOnlyList<Layer> Body => Chains[0].Layers;

    /// <summary>The layers of the shortcut; empty for the identity.</summary>
    public IReadOnlyList<Layer> Shortcut => Chains[1].Layers;

    /// <summary>The activation after the sum (linear when none was given).</summary>
    public Operation Activation { get; }

    private protected override IEnumerable<Operation> OwnOperations() => [Activation];

    private protected override int[] Combine(int[][] outputs) => outputs[0].AsSpan().SequenceEqual(outputs[1]) ? outputs[0]
        : throw new ShapeMismatchException(
            $"Residual: body output {Shape(outputs[0])} vs shortcut {(Chains[1].IsIdentity ? "(identity) " : "")}{Shape(outputs[1])}: "
            + "they must have the same shape to be added. Give the shortcut a projection (a 1×1 Conv2D with the body's stride and channels).");

    // x: [N, C, H, W] → body(x), shortcut(x): both [N, C', H', W'] (the shortcut is x itself when it is the identity)
    //   s = body(x) + shortcut(x);   y = activation(s)
    /// <inheritdoc />
    protected override Tensor ForwardCore(Tensor input, bool training)
    {
        Tensor main = Chains[0].Forward(input, training);
        Tensor skip = Chains[1].Forward(input, training);
        Tensor sum = Tensor.Reuse(ref _sum, main.Shape);
        if (Activation is Activation activation) return activation.ForwardSum(main, skip, sum, training); // one pass for both
        Add(main, skip, sum);
        return Activation.Forward(sum, training);
    }

    // ∂L/∂s = activation′(s)·∂L/∂y. The sum hands ∂L/∂s whole to both paths, and x feeds both, so
    //   ∂L/∂x = bodyᵀ(∂L/∂s) + shortcutᵀ(∂L/∂s)   (shortcutᵀ is the identity for an identity shortcut)
    /// <inheritdoc />
    protected override Tensor? BackwardCore(Tensor outputGradient)
    {
        Tensor ds = Activation.Backward(outputGradient)!;
        Tensor? main = Chains[0].Backward(ds);   // neither path writes into ds, so both read the same ∂L/∂s
        Tensor? skip = Chains[1].Backward(ds);
        if (main is null || skip is null) return null;   // the network's first layer: nobody needs ∂L/∂x
        Tensor dx = Tensor.Reuse(ref _inputGradient, main.Shape);
        Add(main, skip, dx);
        return dx;
    }

    // y = a + b, split among the threads in blocks (the sums are bound by memory, but one core alone cannot draw on all of it).
    private void Add(Tensor a, Tensor b, Tensor y) =>
        Compute.For((y.Length + AddBlock - 1) / AddBlock, y.Length, (A: a, B: b, Y: y), static (in s, _, first, end) =>
        {
            int start = first * AddBlock, length = Math.Min(end * AddBlock, s.Y.Length) - start;
            TensorPrimitives.Add(s.A.Span.Slice(start, length), s.B.Span.Slice(start, length), s.Y.Span.Slice(start, length));
        });

    private const int AddBlock = 16384;
}
