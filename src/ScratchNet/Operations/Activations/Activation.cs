namespace ScratchNet.Operations.Activations;

/// <summary>
/// An element-wise function y = f(x). Subclasses give f and its derivative; the derivative may use
/// the input x, the output y, or both, whichever is cheaper and more exact.
/// </summary>
public abstract class Activation : Operation
{
    // Element-wise work is split among threads in blocks of this many values; smaller tensors stay on one thread.
    private const int Block = 16384;

    /// <inheritdoc />
    protected sealed override Tensor ComputeOutput(Tensor input)
    {
        Tensor output = OutputBuffer(input.Shape);
        Compute.For((input.Length + Block - 1) / Block, (Op: this, X: input, Y: output), static (in s, _, first, end) =>
        {
            var (start, length) = Range(first, end, s.X.Length);
            s.Op.Apply(s.X.Span.Slice(start, length), s.Y.Span.Slice(start, length));
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

    /// <summary>y = f(x) on one block, for operations that fuse the activation with other work (<see cref="BiasActivation"/>).</summary>
    internal void ApplyTo(ReadOnlySpan<float> x, Span<float> y) => Apply(x, y);

    /// <summary>dx = f′(x)·dy on one block, for fused operations; <paramref name="y"/> holds f(x).</summary>
    internal void DifferentiateAt(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Differentiate(x, y, dy, dx);

    /// <summary>y = f(x), element by element.</summary>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx = f′(x) · dy, element by element; <paramref name="y"/> holds f(x).</summary>
    protected abstract void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}
