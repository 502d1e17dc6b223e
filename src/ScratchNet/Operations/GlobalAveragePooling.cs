namespace ScratchNet.Operations;

/// <summary>
/// The mean of each channel plane: [N, C, H, W] → [N, C]; y[n, c] = Σ x[n, c, ·, ·] / (H·W), and
/// ∂L/∂x[n, c, i, j] = ∂L/∂y[n, c] / (H·W).
/// </summary>
public sealed class GlobalAveragePooling : Operation
{
    /// <inheritdoc />
    public override string Name => "GlobalAvgPool2D";

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank != 4)
            throw new ShapeMismatchException($"{Name}: expected NCHW input [batch, channels, height, width], but got {input.ShapeText}.");
        Tensor output = OutputBuffer(input.Dim(0), input.Dim(1));
        int plane = input.Dim(2) * input.Dim(3);
        for (int p = 0; p < output.Length; p++)
            output[p] = System.Numerics.Tensors.TensorPrimitives.Sum(input.Span.Slice(p * plane, plane)) / plane;
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        int plane = Input.Dim(2) * Input.Dim(3);
        for (int p = 0; p < outputGradient.Length; p++)
            inputGradient.Span.Slice(p * plane, plane).Fill(outputGradient[p] / plane);
        return inputGradient;
    }
}
