namespace ScratchNet.Operations.Activations;

/// <summary>
/// y = max(x, 0); dy/dx = 1 where x &gt; 0, else 0. The mask comes from the input: a mask taken
/// from the output with y ≥ 0 is always true (the bug in the notebook's library).
/// </summary>
public sealed class ReLU : Activation
{
    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) =>
        System.Numerics.Tensors.TensorPrimitives.Max(x, 0f, y);

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
    }
}
