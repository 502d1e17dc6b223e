namespace ScratchNet.Operations.Activations;

/// <summary>
/// An element-wise function y = f(x). Subclasses give f and its derivative; the derivative may use
/// the input x, the output y, or both, whichever is cheaper and more exact.
/// </summary>
public abstract class Activation : Operation
{
    /// <inheritdoc />
    protected sealed override Tensor ComputeOutput(Tensor input)
    {
        Tensor output = OutputBuffer(input.Shape);
        Apply(input.Span, output.Span);
        return output;
    }

    /// <inheritdoc />
    protected sealed override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Differentiate(Input.Span, Output.Span, outputGradient.Span, inputGradient.Span);
        return inputGradient;
    }

    /// <summary>y = f(x), element by element.</summary>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx = f′(x) · dy, element by element; <paramref name="y"/> holds f(x).</summary>
    protected abstract void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}
