using System.Numerics.Tensors;

namespace ScratchNet.Operations;

/// <summary>
/// Adds one bias per channel: input [batch, channels, ...] (e.g. [N, F] after a dense product or
/// [N, C, H, W] after a convolution), bias [channels]; y[n, c, …] = x[n, c, …] + b[c].
/// </summary>
/// <remarks>Backward: ∂L/∂x = ∂L/∂y, and ∂L/∂b[c] is the sum of ∂L/∂y over the batch and every position of channel c.</remarks>
public sealed class BiasAdd(Parameter bias) : ParamOperation(bias)
{
    private int Channels => Parameter.Value.Length;

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ShapeMismatchException(
                $"{Name}: a bias of {Channels} values expects input [batch, {Channels}, ...], but got {input.ShapeText}.");
        Tensor output = OutputBuffer(input.Shape);
        int plane = input.SampleLength / Channels;
        ReadOnlySpan<float> x = input.Span, b = Parameter.Value.Span;
        Span<float> y = output.Span;
        for (int offset = 0, n = 0; n < input.Dim(0); n++)
            for (int c = 0; c < Channels; c++, offset += plane)
                TensorPrimitives.Add(x.Slice(offset, plane), b[c], y.Slice(offset, plane));
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient) => outputGradient;

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        int plane = outputGradient.SampleLength / Channels;
        ReadOnlySpan<float> dy = outputGradient.Span;
        Span<float> db = Parameter.Gradient.Span;
        db.Clear();
        for (int offset = 0, n = 0; n < outputGradient.Dim(0); n++)
            for (int c = 0; c < Channels; c++, offset += plane)
                db[c] += TensorPrimitives.Sum(dy.Slice(offset, plane));
    }
}
