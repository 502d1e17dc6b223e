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
        Scale(input, output);
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Scale(outputGradient, inputGradient);
        return inputGradient;
    }

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        Parameter.Gradient.Span.Clear();
        // Channels are split among threads and each sums over the batch in order: the same bits at any thread count.
        Compute.For(Channels, outputGradient.Length, (Dy: outputGradient, X: Input, DGamma: Parameter.Gradient), static (in s, _, first, end) =>
        {
            ReadOnlySpan<float> dy = s.Dy.Span, x = s.X.Span;
            Span<float> dGamma = s.DGamma.Span;
            int batch = s.Dy.Dim(0), length = s.Dy.SampleLength, plane = length / dGamma.Length;
            for (int c = first; c < end; c++)
                for (int n = 0; n < batch; n++)
                {
                    int offset = n * length + c * plane;
                    dGamma[c] += plane == 1 ? dy[offset] * x[offset] : TensorPrimitives.Dot(dy.Slice(offset, plane), x.Slice(offset, plane));
                }
        });
    }

    // Samples are split among threads; a dense input ([N, F], one value per channel) scales whole rows at once.
    private void Scale(Tensor source, Tensor destination)
    {
        Compute.For(source.Dim(0), source.Length, (X: source, Y: destination, Gamma: Parameter.Value), static (in s, _, first, end) =>
        {
            ReadOnlySpan<float> gamma = s.Gamma.Span, x = s.X.Span;
            Span<float> y = s.Y.Span;
            int length = s.X.SampleLength, plane = length / gamma.Length;
            for (int n = first; n < end; n++)
            {
                if (plane == 1) TensorPrimitives.Multiply(x.Slice(n * length, length), gamma, y.Slice(n * length, length));
                else
                    for (int c = 0, offset = n * length; c < gamma.Length; c++, offset += plane)
                        TensorPrimitives.Multiply(x.Slice(offset, plane), gamma[c], y.Slice(offset, plane));
            }
        });
    }
}
