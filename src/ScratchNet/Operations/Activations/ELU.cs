namespace ScratchNet.Operations.Activations;

/// <summary>
/// y = x for x &gt; 0, else α·(eˣ − 1); dy/dx = 1 for x &gt; 0, else α·eˣ. The derivative is computed from x
/// (not as y + α, which cancels badly for large negative x); eˣ − 1 is formed in double, so small |x| keeps its precision.
/// </summary>
public sealed class ELU : Activation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="alpha">The negative saturation value −α; a non-negative finite number (default 1).</param>
    public ELU(float alpha = 1f)
    {
        if (!float.IsFinite(alpha) || alpha < 0)
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"ELU: alpha must be a non-negative finite number, got {alpha}.");
        Alpha = alpha;
    }

    /// <summary>α: the output tends to −α as x → −∞.</summary>
    public float Alpha { get; }

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : (float)(Alpha * (Math.Exp(x[i]) - 1.0));
    }

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0 ? dy[i] : Alpha * MathF.Exp(x[i]) * dy[i];
    }
}
