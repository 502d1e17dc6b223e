namespace ScratchNet.Operations.Activations;

/// <summary>
/// The Gaussian error linear unit in its exact form (PyTorch's default, approximate='none'):
/// y = x·Φ(x) with Φ(x) = ½·erfc(−x/√2) the standard normal CDF; dy/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
/// </summary>
/// <remarks>
/// .NET has no erf, so erfc is evaluated in double with the classic Chebyshev-fitted rational-exponential
/// approximation erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2), whose relative error is below 1.2e-7 for every z ≥ 0
/// (erfc(−z) = 2 − erfc(z)). Working through erfc rather than erf keeps Φ(x) accurate in relative terms for large
/// negative x, where x·Φ(x) is tiny. The derivative uses the same Φ plus the exact φ, so it agrees with the forward
/// pass to that accuracy.
/// </remarks>
public sealed class GELU : Activation
{
    private const double InverseSqrt2 = 0.70710678118654752440;
    private const double InverseSqrt2Pi = 0.39894228040143267794;

    /// <summary>erfc(z), relative error below 1.2e-7 for all z.</summary>
    public static double Erfc(double z)
    {
        double a = Math.Abs(z);
        double t = 1.0 / (1.0 + 0.5 * a);
        double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double value = t * Math.Exp(-a * a + p);
        return z >= 0 ? value : 2.0 - value;
    }

    /// <summary>Φ(x), the standard normal cumulative distribution function.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x * InverseSqrt2);

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] * NormalCdf(x[i]));
    }

    /// <inheritdoc />
    protected override void Differentiate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double derivative = NormalCdf(v) + v * InverseSqrt2Pi * Math.Exp(-0.5 * v * v);
            dx[i] = (float)(derivative * dy[i]);
        }
    }
}
