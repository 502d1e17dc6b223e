using System.Numerics.Tensors;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Operations;

/// <summary>
/// A per-channel bias followed by an element-wise activation, in one pass: z = x + b[c], y = f(z), for input
/// [batch, channels, ...]. The same result as <see cref="BiasAdd"/> then the activation, bit for bit, with
/// half the trips through memory: each channel plane is biased and activated while it sits in cache.
/// </summary>
/// <remarks>
/// Backward, again per plane: ∂L/∂z = f′(z)·∂L/∂y (the activation's own derivative), which is ∂L/∂x, and
/// ∂L/∂b[c] = Σ ∂L/∂z over the batch and the plane. Per-plane sums are kept and added over the batch in
/// order, so any thread count gives the same bits.
/// </remarks>
public sealed class BiasActivation : ParamOperation, Kernels.IImageEpilogue
{
    private Tensor? _preActivation, _gradient;
    private float[] _planeSums = [];

    /// <summary>Creates the operation around <paramref name="bias"/> [channels] and <paramref name="activation"/>.</summary>
    public BiasActivation(Parameter bias, Activation activation) : base(bias)
    {
        Activation = activation ?? throw new ArgumentNullException(nameof(activation));
    }

    /// <summary>The activation applied after the bias.</summary>
    public Activation Activation { get; }

    /// <inheritdoc />
    public override string Name => $"BiasActivation({Activation.Name})";

    private int Channels => Parameter.Value.Length;

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ShapeMismatchException(
                $"{Name}: a bias of {Channels} values expects input [batch, {Channels}, ...], but got {input.ShapeText}.");
        // z is kept for the backward pass unless the activation's derivative can be taken from y.
        Tensor output = OutputBuffer(input.Shape), z = Activation.DerivativeFromOutput ? output : Tensor.Reuse(ref _preActivation, input.Shape);
        Compute.For(input.Dim(0), input.Length, (Op: this, X: input, Z: z, Y: output), static (in s, _, first, end) =>
        {
            ReadOnlySpan<float> b = s.Op.Parameter.Value.Span, x = s.X.Span;
            Span<float> z = s.Z.Span;
            int channels = b.Length, length = s.X.SampleLength, plane = length / channels;
            for (int n = first; n < end; n++)
            {
                int offset = n * length;
                if (plane == 1) TensorPrimitives.Add(x.Slice(offset, channels), b, z.Slice(offset, channels));
                else
                    for (int c = 0; c < channels; c++)
                        TensorPrimitives.Add(x.Slice(offset + c * plane, plane), b[c], z.Slice(offset + c * plane, plane));
                s.Op.Activation.ApplyTo(z.Slice(offset, length), s.Y.Span.Slice(offset, length));
            }
        });
        return output;
    }

    /// <summary>
    /// z = x + b[c], y = f(z) in place on one image [C, plane], for a convolution that applies it as it writes (inference
    /// fusion): the arithmetic of <see cref="ComputeOutput"/>, value for value, when the activation fuses per image.
    /// </summary>
    void Kernels.IImageEpilogue.Apply(Span<float> image)
    {
        ReadOnlySpan<float> b = Parameter.Value.Span;
        int plane = image.Length / Channels;
        if (plane == 1) TensorPrimitives.Add(image, b, image);
        else
            for (int c = 0; c < Channels; c++) TensorPrimitives.Add(image.Slice(c * plane, plane), b[c], image.Slice(c * plane, plane));
        Activation.ApplyTo(image, image);
    }

    // The whole backward pass: ∂L/∂z serves both gradients, so it is computed once, with the per-plane sums of ∂L/∂b.
    /// <inheritdoc />
    protected override Tensor? ComputeGradients(Tensor outputGradient)
    {
        int batch = outputGradient.Dim(0);
        Tensor dz = Tensor.Reuse(ref _gradient, outputGradient.Shape);
        if (_planeSums.Length < batch * Channels) _planeSums = new float[batch * Channels];
        Compute.For(batch, outputGradient.Length, (Op: this, Dy: outputGradient, Dz: dz), static (in s, _, first, end) =>
        {
            int channels = s.Op.Channels, length = s.Dy.SampleLength, plane = length / channels;
            for (int n = first; n < end; n++)
            {
                int offset = n * length;
                Span<float> dzn = s.Dz.Span.Slice(offset, length);
                Tensor z = s.Op.Activation.DerivativeFromOutput ? s.Op.Output : s.Op._preActivation!;
                s.Op.Activation.DifferentiateAt(z.Span.Slice(offset, length), s.Op.Output.Span.Slice(offset, length), s.Dy.Span.Slice(offset, length), dzn);
                Span<float> sums = s.Op._planeSums.AsSpan(n * channels, channels);
                if (plane == 1) dzn.CopyTo(sums);
                else for (int c = 0; c < channels; c++) sums[c] = TensorPrimitives.Sum(dzn.Slice(c * plane, plane));
            }
        });
        Span<float> db = Parameter.Gradient.Span;
        db.Clear();
        for (int n = 0; n < batch; n++) TensorPrimitives.Add(db, _planeSums.AsSpan(n * Channels, Channels), db);
        return ComputesInputGradient ? dz : null;   // ∂L/∂x = ∂L/∂z
    }
}
