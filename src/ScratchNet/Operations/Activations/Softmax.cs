namespace ScratchNet.Operations.Activations;

/// <summary>
/// Softmax over the last axis, separately for every row (for [N, K] input, per sample):
/// yᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x). Subtracting the row maximum keeps every exponent ≤ 0, so nothing
/// overflows. Not element-wise (each output depends on the whole row), hence an <see cref="Operation"/> rather than an
/// <see cref="Activation"/>.
/// </summary>
/// <remarks>
/// Backward: ∂yᵢ/∂xⱼ = yᵢ·(δᵢⱼ − yⱼ), so dxᵢ = Σⱼ dyⱼ·yⱼ·(δⱼᵢ − yᵢ) = yᵢ·(dyᵢ − Σⱼ dyⱼ·yⱼ), per row.
/// For classification train on logits with <see cref="ScratchNet.Losses.SoftmaxCrossEntropy"/>, which fuses
/// softmax and the loss stably; this operation is for outputs that must be probabilities (e.g. attention).
/// </remarks>
public sealed class Softmax : Operation
{
    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank < 1 || input.Dim(-1) == 0)
            throw new ShapeMismatchException($"{Name}: expected at least one value along the last axis, but got {input.ShapeText}.");
        Tensor output = OutputBuffer(input.Shape);
        int width = input.Dim(-1);
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = output.Span;
        for (int offset = 0; offset < x.Length; offset += width)
        {
            ReadOnlySpan<float> row = x.Slice(offset, width);
            Span<float> result = y.Slice(offset, width);
            float max = System.Numerics.Tensors.TensorPrimitives.Max(row);
            double sum = 0;
            for (int j = 0; j < width; j++)
            {
                float e = MathF.Exp(row[j] - max);
                result[j] = e;
                sum += e;
            }
            float inverse = (float)(1.0 / sum);
            for (int j = 0; j < width; j++) result[j] *= inverse;
        }
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        int width = Output.Dim(-1);
        ReadOnlySpan<float> y = Output.Span, dy = outputGradient.Span;
        Span<float> dx = inputGradient.Span;
        for (int offset = 0; offset < y.Length; offset += width)
        {
            ReadOnlySpan<float> yr = y.Slice(offset, width), dyr = dy.Slice(offset, width);
            double dot = 0;
            for (int j = 0; j < width; j++) dot += (double)dyr[j] * yr[j];
            float d = (float)dot;
            Span<float> dxr = dx.Slice(offset, width);
            for (int j = 0; j < width; j++) dxr[j] = yr[j] * (dyr[j] - d);
        }
        return inputGradient;
    }
}
