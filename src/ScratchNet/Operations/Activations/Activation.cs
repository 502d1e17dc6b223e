namespace ScratchNet.Operations.Activations;

/// <summary>
/// An element-wise function y = f(x). Subclasses give f and its derivative; the derivative may use
/// the input x, the output y, or both, whichever is cheaper and more exact.
/// </summary>
public abstract class Activation : Operation, Kernels.IImageEpilogue
{
    // Element-wise work is split among threads in blocks of this many values; smaller tensors stay on one thread.
    private const int Block = 16384;

    // The two terms whose sum is the input, during ForwardSum only.
    private (Tensor A, Tensor B)? _terms;

    /// <summary>
    /// y = f(a + b), a residual block's sum and activation, in one trip through memory: block by block, the sum is
    /// written into <paramref name="sum"/> (the recorded input) and activated while it is still in cache. For an
    /// activation whose derivative comes from its output, y overwrites the sum (the input is then the output, which
    /// its derivative accepts), so one tensor is written instead of two.
    /// </summary>
    internal Tensor ForwardSum(Tensor a, Tensor b, Tensor sum, bool training)
    {
        _terms = (a, b);
        try
        {
            return Forward(sum, training);
        }
        finally
        {
            _terms = null;
        }
    }

    /// <inheritdoc />
    protected sealed override Tensor ComputeOutput(Tensor input)
    {
        Tensor output = _terms is not null && DerivativeFromOutput ? input : OutputBuffer(input.Shape);
        Compute.For((input.Length + Block - 1) / Block, (Op: this, X: input, Y: output, Terms: _terms), static (in s, _, first, end) =>
        {
            var (start, length) = Range(first, end, s.X.Length);
            Span<float> x = s.X.Span.Slice(start, length);
            if (s.Terms is { } terms) System.Numerics.Tensors.TensorPrimitives.Add(terms.A.Span.Slice(start, length), terms.B.Span.Slice(start, length), x);
            s.Op.Apply(x, s.Y.Span.Slice(start, length));
        });
        return output;
    }

    /// <inheritdoc />
    protected sealed override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Compute.For((inputGradient.Length + Block - 1) / Block, (Op: this, Dy: outputGradient, Dx: inputGradient), static (in s, _, first, end) =>
        {
            var (start, length) = Range(first, end, s.Dx.Length);
            s.Op.Differentiate(s.Op.Input.Span.Slice(start, length), s.Op.Output.Span.Slice(start, length),
                s.Dy.Span.Slice(start, length), s.Dx.Span.Slice(start, length));
        });
        return inputGradient;
    }

    private static (int Start, int Length) Range(int firstBlock, int endBlock, int total)
    {
        int start = firstBlock * Block;
        return (start, Math.Min(endBlock * Block, total) - start);
    }

    /// <summary>
    /// Whether <see cref="Differentiate"/> gives the same result with the output y passed in place of the input x
    /// (it reads only y, or only the sign of x, which y keeps), and <see cref="Apply"/> may write over its input.
    /// Fused operations then keep y alone and save a trip through memory.
    /// </summary>
    internal virtual bool DerivativeFromOutput => false;

    /// <summary>
    /// y = f(x) in place on one image, for a convolution that applies it as it writes (inference fusion, see
    /// <c>Layers.InferenceFusion</c>); only for activations whose values do not depend on how the tensor is cut up.
    /// </summary>
    void Kernels.IImageEpilogue.Apply(Span<float> image) => Apply(image, image);

    /// <summary>
    /// Whether f(x) is the same for a value wherever the span it sits in starts and ends (so that applying it per image
    /// gives the bits of applying it per block of the whole batch), and f may write over its input: ReLU and tanh.
    /// </summary>
    internal virtual bool FusesPerImage => false;

    /// <summary>y = f(x) on one block, for operations that fuse the activation with other work (<see cref="BiasActivation"/>).</summary>
    internal void ApplyTo(ReadOnlySpan<float> x, Span<float> y) => Apply(x, y);

    /// <summary>dx = f′(x)·dy on one block, for fused operations; <paramref name="y"/> holds f(x).</summary>
    internal void DifferentiateAt(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Differentiate(x, y, dy, dx);

    /// <summary>y = f(x), element by element.</summary>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx = f′(x) · dy, element by element; <paramref name="y"/> holds f(x).</summary>
    protected abstract void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}
