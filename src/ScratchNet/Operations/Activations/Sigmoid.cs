namespace ScratchNet.Operations.Activations;

/// <summary>
/// y = 1 / (1 + e^(−x)); dy/dx = y·(1 − y). Computed as e^x / (1 + e^x) for negative x so that
/// e^(−x) never overflows (the notebook's form warns and loses precision for large negative x).
/// </summary>
public sealed class Sigmoid : Activation
{
    /// <summary>The logistic function in a form that is finite and exact for every float input.</summary>
    public static float Logistic(float x)
    {
        if (x >= 0) return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    // y·(1 − y) needs only y.
    internal override bool DerivativeFromOutput => true;

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Logistic(x[i]);
    }

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
    }
}
