namespace ScratchNet.Operations.Activations;

/// <summary>
/// y = max(x, 0); dy/dx = 1 where x &gt; 0, else 0. The mask comes from the input: a mask taken
/// from the output with y ≥ 0 is always true (the bug in the notebook's library).
/// </summary>
public sealed class ReLU : Activation
{
    // max(x, 0) > 0 exactly when x > 0, so the mask can come from y.
    internal override bool DerivativeFromOutput => true;

    // max(x, 0) is exact: no value depends on its neighbours or on the vector width.
    internal override bool FusesPerImage => true;

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) =>
        System.Numerics.Tensors.TensorPrimitives.Max(x, 0f, y);

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int width = System.Numerics.Vector<float>.Count;
            for (; i <= x.Length - width; i += width)
            {
                var positive = System.Numerics.Vector.GreaterThan(new System.Numerics.Vector<float>(x[i..]), System.Numerics.Vector<float>.Zero);
                System.Numerics.Vector.ConditionalSelect(positive, new System.Numerics.Vector<float>(dy[i..]), System.Numerics.Vector<float>.Zero).CopyTo(dx[i..]);
            }
        }
        for (; i < x.Length; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
    }
}
