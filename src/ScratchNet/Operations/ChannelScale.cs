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

    // The whole backward pass: both gradients in one pass over ∂L/∂y, plane by plane while it sits in cache:
    // ∂L/∂γ[c] += ∂L/∂y·x and ∂L/∂x = γ[c]·∂L/∂y. Channels are split among threads and each sums over the batch in
    // order, so any thread count gives the same bits.
    /// <inheritdoc />
    protected override Tensor? ComputeGradients(Tensor outputGradient)
    {
        Parameter.Gradient.Span.Clear();
        Tensor? inputGradient = ComputesInputGradient ? InputGradientBuffer() : null;
        Compute.For(Channels, outputGradient.Length, (Op: this, Dy: outputGradient, Dx: inputGradient), static (in s, _, first, end) =>
        {
            ReadOnlySpan<float> dy = s.Dy.Span, x = s.Op.Input.Span, gamma = s.Op.Parameter.Value.Span;
            Span<float> dGamma = s.Op.Parameter.Gradient.Span, dx = s.Dx is null ? default : s.Dx.Span;
            int batch = s.Dy.Dim(0), length = s.Dy.SampleLength, plane = length / dGamma.Length;
            for (int c = first; c < end; c++)
                for (int n = 0; n < batch; n++)
                {
                    int offset = n * length + c * plane;
                    if (plane == 1)
                    {
                        dGamma[c] += dy[offset] * x[offset];
                        if (s.Dx is not null) dx[offset] = gamma[c] * dy[offset];
                        continue;
                    }
                    dGamma[c] += TensorPrimitives.Dot(dy.Slice(offset, plane), x.Slice(offset, plane));
                    if (s.Dx is not null) TensorPrimitives.Multiply(dy.Slice(offset, plane), gamma[c], dx.Slice(offset, plane));
                }
        });
        return inputGradient;
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
