namespace ScratchNet.Operations.Activations;

/// <summary>y = x for x &gt; 0, else slope·x; dy/dx = 1 for x &gt; 0, else slope (taken from the input, like <see cref="ReLU"/>).</summary>
public sealed class LeakyReLU : Activation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="slope">The slope for negative inputs; a finite number (PyTorch's negative_slope, default 0.01).</param>
    public LeakyReLU(float slope = 0.01f)
    {
        if (!float.IsFinite(slope))
            throw new ArgumentOutOfRangeException(nameof(slope), slope, $"LeakyReLU: slope must be a finite number, got {slope}.");
        Slope = slope;
    }

    /// <summary>The slope for negative inputs.</summary>
    public float Slope { get; }

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : Slope * x[i];
    }

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = x[i] > 0 ? dy[i] : Slope * dy[i];
    }
}
