namespace ScratchNet.Losses;

/// <summary>
/// Squared error summed over features and averaged over the batch: L = (1/N) Σₙ Σⱼ (pₙⱼ − tₙⱼ)²,
/// so ∂L/∂pₙⱼ = 2(pₙⱼ − tₙⱼ)/N.
/// </summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc />
    protected override float ComputeLoss(Tensor prediction, Tensor target)
    {
        ReadOnlySpan<float> p = prediction.Span, t = target.Span;
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = p[i] - t[i];
            total += d * d;
        }
        return (float)(total / prediction.Dim(0));
    }

    /// <inheritdoc />
    protected override void ComputeGradient(Tensor prediction, Tensor target, Tensor gradient)
    {
        System.Numerics.Tensors.TensorPrimitives.Subtract(prediction.Span, target.Span, gradient.Span);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradient.Span, 2f / prediction.Dim(0), gradient.Span);
    }
}
