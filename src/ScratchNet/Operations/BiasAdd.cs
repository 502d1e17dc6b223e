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
        Compute.For(input.Dim(0), input.Length, (X: input, Y: output, B: Parameter.Value), static (in s, _, first, end) =>
        {
            int length = s.X.SampleLength, channels = s.B.Length, plane = length / channels;
            ReadOnlySpan<float> x = s.X.Span, b = s.B.Span;
            Span<float> y = s.Y.Span;
            for (int n = first; n < end; n++)
            {
                if (plane == 1) TensorPrimitives.Add(x.Slice(n * length, length), b, y.Slice(n * length, length));
                else
                    for (int c = 0, offset = n * length; c < channels; c++, offset += plane)
                        TensorPrimitives.Add(x.Slice(offset, plane), b[c], y.Slice(offset, plane));
            }
        });
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient) => outputGradient;

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        int batch = outputGradient.Dim(0), plane = outputGradient.SampleLength / Channels, length = outputGradient.SampleLength;
        Span<float> gradient = Parameter.Gradient.Span;
        gradient.Clear();
        if (plane == 1)
        {
            for (int n = 0; n < batch; n++) TensorPrimitives.Add(gradient, outputGradient.Span.Slice(n * length, length), gradient);
            return;
        }
        // Channels are split among threads and each sums its planes over the batch in order: the same bits at any thread count.
        Compute.For(Channels, outputGradient.Length, (Dy: outputGradient, Db: Parameter.Gradient, Plane: plane), static (in s, _, first, end) =>
        {
            ReadOnlySpan<float> dy = s.Dy.Span;
            Span<float> db = s.Db.Span;
            int batch = s.Dy.Dim(0), length = s.Dy.SampleLength;
            for (int c = first; c < end; c++)
                for (int n = 0; n < batch; n++)
                    db[c] += TensorPrimitives.Sum(dy.Slice(n * length + c * s.Plane, s.Plane));
        });
    }
}
