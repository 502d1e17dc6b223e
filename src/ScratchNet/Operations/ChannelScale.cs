using System.Numerics.Tensors;

namespace ScratchNet.Operations;

/// <summary>
/// Multiplies each channel by a learnable factor: input [batch, channels, ...], scale γ [channels];
/// y[n, c, …] = γ[c]·x[n, c, …]. Batch normalisation's γ (followed by <see cref="BiasAdd"/> for β).
/// </summary>
/// <remarks>Backward: ∂L/∂x = γ[c]·∂L/∂y, and ∂L/∂γ[c] = Σ ∂L/∂y·x over the batch and every position of channel c.</remarks>
public sealed class ChannelScale(Parameter scale) : ParamOperation(scale)
{
    private int Channels => Parameter.Value.Length;

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ShapeMismatchException(
                $"{Name}: a scale of {Channels} values expects input [batch, {Channels}, ...], but got {input.ShapeText}.");
        Tensor output = OutputBuffer(input.Shape);
        Scale(input.Span, output.Span, input.Dim(0), input.SampleLength / Channels);
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Scale(outputGradient.Span, inputGradient.Span, outputGradient.Dim(0), outputGradient.SampleLength / Channels);
        return inputGradient;
    }

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        int plane = outputGradient.SampleLength / Channels;
        ReadOnlySpan<float> dy = outputGradient.Span, x = Input.Span;
        Span<float> dGamma = Parameter.Gradient.Span;
        dGamma.Clear();
        for (int offset = 0, n = 0; n < outputGradient.Dim(0); n++)
            for (int c = 0; c < Channels; c++, offset += plane)
                dGamma[c] += TensorPrimitives.Dot(dy.Slice(offset, plane), x.Slice(offset, plane));
    }

    private void Scale(ReadOnlySpan<float> source, Span<float> destination, int batch, int plane)
    {
        ReadOnlySpan<float> gamma = Parameter.Value.Span;
        for (int offset = 0, n = 0; n < batch; n++)
            for (int c = 0; c < Channels; c++, offset += plane)
                TensorPrimitives.Multiply(source.Slice(offset, plane), gamma[c], destination.Slice(offset, plane));
    }
}
