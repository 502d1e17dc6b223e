namespace ScratchNet.Optimizers;

/// <summary>
/// The state and update shared by <see cref="Adam"/> and <see cref="AdamW"/>: per parameter the first and second
/// moment estimates m and v (starting at zero) and the step count t.
/// </summary>
internal sealed class AdamMoments(float beta1, float beta2, float epsilon)
{
    private readonly List<float[]> _first = [];
    private readonly List<float[]> _second = [];
    private readonly List<int> _steps = [];

    /// <summary>
    /// One Adam step on parameter <paramref name="index"/> with gradient g + l2·θ:
    /// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
    /// </summary>
    public void Step(int index, Span<float> value, ReadOnlySpan<float> gradient, float learningRate, float l2)
    {
        if (index == _first.Count)
        {
            _first.Add(new float[value.Length]);
            _second.Add(new float[value.Length]);
            _steps.Add(0);
        }
        int t = ++_steps[index];
        Span<float> m = _first[index], v = _second[index];
        // As PyTorch: θ ← θ − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε).
        float stepSize = (float)(learningRate / (1.0 - Math.Pow(beta1, t)));
        float inverseSqrtCorrection2 = (float)(1.0 / Math.Sqrt(1.0 - Math.Pow(beta2, t)));
        float a1 = 1f - beta1, a2 = 1f - beta2;
        for (int i = 0; i < value.Length; i++)
        {
            float g = gradient[i] + l2 * value[i];
            m[i] = beta1 * m[i] + a1 * g;
            v[i] = beta2 * v[i] + a2 * g * g;
            value[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * inverseSqrtCorrection2 + epsilon);
        }
    }
}
