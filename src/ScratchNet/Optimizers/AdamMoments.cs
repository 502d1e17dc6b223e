using System.Numerics;

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
        int i = 0;
        // The same operations in the same order on whole vectors (no fused multiply-adds), so the same bits as the scalar loop.
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var (b1, b2, c1, c2) = (new Vector<float>(beta1), new Vector<float>(beta2), new Vector<float>(a1), new Vector<float>(a2));
            var (decay, size, correction, eps) = (new Vector<float>(l2), new Vector<float>(stepSize),
                new Vector<float>(inverseSqrtCorrection2), new Vector<float>(epsilon));
            for (; i <= value.Length - width; i += width)
            {
                var theta = new Vector<float>(value[i..]);
                var g = new Vector<float>(gradient[i..]) + decay * theta;
                var mi = b1 * new Vector<float>(m[i..]) + c1 * g;
                var vi = b2 * new Vector<float>(v[i..]) + c2 * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (theta - size * mi / (Vector.SquareRoot(vi) * correction + eps)).CopyTo(value[i..]);
            }
        }
        for (; i < value.Length; i++)
        {
            float g = gradient[i] + l2 * value[i];
            m[i] = beta1 * m[i] + a1 * g;
            v[i] = beta2 * v[i] + a2 * g * g;
            value[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * inverseSqrtCorrection2 + epsilon);
        }
    }

    /// <summary>m, v and t of every parameter, named "m.i", "v.i", "t.i".</summary>
    public IReadOnlyList<(string Name, float[] Values)> State =>
        Enumerable.Range(0, _first.Count).SelectMany(i => new[]
        {
            ($"m.{i}", _first[i]), ($"v.{i}", _second[i]), ($"t.{i}", new float[] { _steps[i] }),
        }).ToArray();

    /// <summary>Restores <see cref="State"/> for <paramref name="parameters"/>.</summary>
    public void Load(IReadOnlyDictionary<string, float[]> state, IReadOnlyList<Operations.Parameter> parameters, Func<IReadOnlyDictionary<string, float[]>, string, int, float[]> entry)
    {
        _first.Clear();
        _second.Clear();
        _steps.Clear();
        if (state.Count == 0) return;
        for (int i = 0; i < parameters.Count; i++)
        {
            _first.Add(entry(state, $"m.{i}", parameters[i].Value.Length));
            _second.Add(entry(state, $"v.{i}", parameters[i].Value.Length));
            _steps.Add((int)entry(state, $"t.{i}", 1)[0]);
        }
    }
}
