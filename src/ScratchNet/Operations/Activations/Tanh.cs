namespace ScratchNet.Operations.Activations;

/// <summary>y = tanh(x); dy/dx = 1 − y².</summary>
public sealed class Tanh : Activation
{
    // 1 − y² needs only y.
    internal override bool DerivativeFromOutput => true;

    // TanhKernel gives each value the same arithmetic wherever the span is cut.
    internal override bool FusesPerImage => true;

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => Kernels.TanhKernel.Apply(x, y);

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Kernels.TanhKernel.Derivative(y, dy, dx);
    }
}
