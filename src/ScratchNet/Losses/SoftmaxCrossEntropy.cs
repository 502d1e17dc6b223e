using System.Runtime.CompilerServices;

namespace ScratchNet.Losses;

/// <summary>
/// Softmax followed by cross-entropy, averaged over the batch. Logits z are [batch, classes] and
/// targets t are class probabilities (one-hot for labels):
/// L = −(1/N) Σₙ Σⱼ tₙⱼ · log softmax(zₙ)ⱼ, with log softmax(z)ⱼ = zⱼ − (m + log Σₖ e^(zₖ − m)), m = maxₖ zₖ.
/// ∂L/∂zₙⱼ = (softmax(zₙ)ⱼ · Σₖ tₙₖ − tₙⱼ) / N, which is (p − t)/N for one-hot targets.
/// </summary>
/// <remarks>
/// With label smoothing ε (Szegedy et al., 2016, "Rethinking the Inception Architecture", section 7) each row of
/// targets is replaced by t′ⱼ = (1 − ε)·tⱼ + ε·(Σₖ tₖ)/K over K classes: a one-hot label keeps 1 − ε + ε/K and every
/// other class gets ε/K, so the network is not pushed towards infinite logits. The formulas above hold with t′ for t
/// (t′ has the same row sums), and the smoothed targets are computed on the fly, never stored.
/// Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows and no clipping is needed.
/// The notebook's version added a binary term −(1−t)·log(1−p) to the value but not to the gradient,
/// so the two disagreed; here they are derived from the same formula and the tests check them numerically.
/// </remarks>
public sealed class SoftmaxCrossEntropy : Loss
{
    private float[] _probabilities = [];
    private float _labelSmoothing;

    /// <summary>The label smoothing ε, in [0, 1); 0 (the default) is plain cross-entropy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 1).</exception>
    public float LabelSmoothing
    {
        get => _labelSmoothing;
        set => _labelSmoothing = value is >= 0 and < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Label smoothing must be at least 0 and less than 1.");
    }

    /// <summary>Softmax probabilities of the last forward pass, [batch, classes], row-major.</summary>
    public ReadOnlySpan<float> Probabilities => _probabilities;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override float ComputeLoss(Tensor prediction, Tensor target)
    {
        int batch = prediction.Dim(0), classes = prediction.SampleLength;
        if (_probabilities.Length != prediction.Length) _probabilities = new float[prediction.Length];
        ReadOnlySpan<float> z = prediction.Span, t = target.Span;
        double total = 0;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> zn = z.Slice(n * classes, classes), tn = t.Slice(n * classes, classes);
            Span<float> pn = _probabilities.AsSpan(n * classes, classes);
            float max = System.Numerics.Tensors.TensorPrimitives.Max(zn);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += pn[j] = MathF.Exp(zn[j] - max);
            double logSum = max + Math.Log(sum);
            float spread = SmoothingSpread(tn);
            for (int j = 0; j < classes; j++)
            {
                pn[j] = (float)(pn[j] / sum);
                float tj = Smoothed(tn[j], spread);
                if (tj != 0) total -= tj * (zn[j] - logSum);
            }
        }
        return (float)(total / batch);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ComputeGradient(Tensor prediction, Tensor target, Tensor gradient)
    {
        int batch = prediction.Dim(0), classes = prediction.SampleLength;
        ReadOnlySpan<float> t = target.Span;
        Span<float> g = gradient.Span;
        float scale = 1f / batch;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> tn = t.Slice(n * classes, classes);
            float targetMass = System.Numerics.Tensors.TensorPrimitives.Sum(tn);
            float spread = SmoothingSpread(tn);
            for (int j = 0; j < classes; j++)
                g[n * classes + j] = (_probabilities[n * classes + j] * targetMass - Smoothed(tn[j], spread)) * scale;
        }
    }

    // ε·(Σₖ tₖ)/K: what every class of this row receives from smoothing.
    private float SmoothingSpread(ReadOnlySpan<float> row) =>
        _labelSmoothing == 0 ? 0 : _labelSmoothing * System.Numerics.Tensors.TensorPrimitives.Sum(row) / row.Length;

    // t′ = (1 − ε)·t + spread; exactly t without smoothing.
    private float Smoothed(float target, float spread) => _labelSmoothing == 0 ? target : (1 - _labelSmoothing) * target + spread;
}
