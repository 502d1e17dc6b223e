using System.Numerics;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Operations;

/// <summary>
/// Batch normalisation, scale γ, shift β and an activation as one operation over [N, C, H, W]:
/// y = f(γ·x̂ + β) with x̂ normalised per channel by <see cref="BatchNormalization"/>'s statistics. The same
/// mathematics as <see cref="BatchNormalization"/> → <see cref="ChannelScale"/> → <see cref="BiasActivation"/> (or
/// <see cref="BiasAdd"/> without an activation), whose documentation derives it, and the same numbers up to
/// rounding; fused, one vector loop normalises, scales, shifts and activates a plane, and the backward pass
/// takes two trips through each channel instead of four, with the few sums it needs gathered in one loop.
/// </summary>
/// <remarks>
/// Backward, per channel, with g = γ·dz the gradient reaching x̂: dz = f′·dy (from the output, so only activations
/// whose derivative the output gives are accepted); a first trip sums dz and dz·x̂, which are dβ and dγ, and
/// γ times them are Σg and Σg·x̂; a second computes dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) as a·dz + b·x̂ + k.
/// </remarks>
public sealed class FusedBatchNorm : Operation, Kernels.IImageEpilogue
{
    private readonly Parameter[] _parameters;
    private float[] _planes = [];

    /// <summary>Creates the operation.</summary>
    /// <param name="statistics">The normalisation whose statistics and running buffers this operation uses.</param>
    /// <param name="gamma">γ, one per channel ("weight").</param>
    /// <param name="beta">β, one per channel ("bias").</param>
    /// <param name="activation">An activation whose derivative its output gives (ReLU, tanh, sigmoid), or null for none.</param>
    public FusedBatchNorm(BatchNormalization statistics, Parameter gamma, Parameter beta, Activation? activation)
    {
        Statistics = statistics ?? throw new ArgumentNullException(nameof(statistics));
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        if (gamma.Value.Length != statistics.Channels || beta.Value.Length != statistics.Channels)
            throw new ArgumentException($"FusedBatchNorm: γ and β need {statistics.Channels} values, got {gamma.Value.Length} and {beta.Value.Length}.");
        if (activation is { DerivativeFromOutput: false })
            throw new ArgumentException($"FusedBatchNorm: {activation.Name} needs its input for its derivative; use the unfused operations.", nameof(activation));
        _parameters = [gamma, beta];
        Activation = activation;
    }

    /// <summary>The normalisation: statistics, running buffers, momentum and ε.</summary>
    public BatchNormalization Statistics { get; }

    /// <summary>The activation after the shift, or null.</summary>
    public Activation? Activation { get; }

    /// <inheritdoc />
    public override string Name => Activation is null ? "FusedBatchNorm" : $"FusedBatchNorm({Activation.Name})";

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public override IReadOnlyList<NamedBuffer> Buffers => Statistics.Buffers;

    private int Channels => Statistics.Channels;

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        Statistics.CheckInput(input, Training);
        Statistics.Compute = Compute;
        Statistics.EnsureDeviations(input);
        Tensor output = OutputBuffer(input.Shape);
        Compute.For(Channels, input.Length, (Op: this, X: input, Y: output), static (in s, worker, first, end) =>
        {
            int batch = s.X.Dim(0), plane = s.X.SampleLength / s.Op.Channels, stride = s.Op.Channels * plane;
            ReadOnlySpan<float> gamma = s.Op._parameters[0].Value.Span, beta = s.Op._parameters[1].Value.Span;
            for (int c = first; c < end; c++)
            {
                var (mean, inverseStd) = s.Op.Statistics.Statistics(s.X, c, s.Op.Training, s.Op.Statistics.Deviations(worker, plane));
                for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
                {
                    Span<float> y = s.Y.Span.Slice(offset, plane);
                    NormaliseScaleShift(s.X.Span.Slice(offset, plane), mean, inverseStd, gamma[c], beta[c], s.Op.Activation is ReLU, y);
                    if (s.Op.Activation is not (null or ReLU)) s.Op.Activation.ApplyTo(y, y);
                }
            }
        });
        return output;
    }

    // The whole backward pass, channel by channel (see the remarks): dγ, dβ and, when wanted, dx from the same two trips.
    /// <inheritdoc />
    protected override Tensor? ComputeGradients(Tensor outputGradient)
    {
        int plane = outputGradient.SampleLength / Channels;
        int workers = Compute.WorkersFor(Channels); // the most that Compute.For over the channels uses
        if (_planes.Length < workers * plane) _planes = new float[workers * plane];
        _parameters[0].Gradient.Span.Clear();
        _parameters[1].Gradient.Span.Clear();
        Tensor? inputGradient = ComputesInputGradient ? InputGradientBuffer() : null;
        Compute.For(Channels, outputGradient.Length, (Op: this, Dy: outputGradient, Dx: inputGradient), static (in s, worker, first, end) =>
        {
            int plane = s.Dy.SampleLength / s.Op.Channels;
            Span<float> dz = s.Op._planes.AsSpan(worker * plane, plane);
            for (int c = first; c < end; c++) s.Op.DifferentiateChannel(s.Dy, s.Dx, c, dz);
        });
        return inputGradient;
    }

    // First trip: Σdz and Σdz·x̂, which give dβ, dγ and (times γ) the sums of g = γ·dz and g·x̂ that the
    // normalisation's gradient needs. Second trip: dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) in training, g/σ at inference.
    private void DifferentiateChannel(Tensor outputGradient, Tensor? inputGradient, int c, Span<float> dz)
    {
        int batch = outputGradient.Dim(0), plane = dz.Length, stride = Channels * plane;
        float gamma = _parameters[0].Value[c], mean = Statistics.Mean(c), inverseStd = Statistics.InverseStd(c);
        ReadOnlySpan<float> x = Input.Span;
        double sumDz = 0, sumDzX = 0;
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
        {
            var (planeDz, planeDzX) = SumAndDot(ActivationGradient(outputGradient, offset, dz), x.Slice(offset, plane), mean, inverseStd);
            sumDz += planeDz;
            sumDzX += planeDzX;
        }
        _parameters[0].Gradient[c] = (float)sumDzX;
        _parameters[1].Gradient[c] = (float)sumDz;
        if (inputGradient is null) return;
        double m = (double)batch * plane;
        // dx = a·dz + b·x̂ + k with a = γ/σ, b = −(γ/σ)·mean(dz·x̂), k = −(γ/σ)·mean(dz) (no batch terms at inference).
        float a = gamma * inverseStd;
        float b = Training ? (float)(-a * sumDzX / m) : 0f, k = Training ? (float)(-a * sumDz / m) : 0f;
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
            Combine(ActivationGradient(outputGradient, offset, dz), x.Slice(offset, plane), mean, inverseStd, a, b, k, inputGradient.Span.Slice(offset, plane));
    }

    // dz = f′·dy for one plane (dy itself without an activation).
    private ReadOnlySpan<float> ActivationGradient(Tensor outputGradient, int offset, Span<float> dz)
    {
        ReadOnlySpan<float> dy = outputGradient.Span.Slice(offset, dz.Length);
        if (Activation is null) return dy;
        ReadOnlySpan<float> y = Output.Span.Slice(offset, dz.Length);
        Activation.DifferentiateAt(y, y, dy, dz);
        return dz;
    }

    /// <summary>
    /// The inference pass on one image [C, plane], in place, for a convolution that runs it on each image it has just
    /// written (<see cref="Layers.InferenceFusion"/>): the arithmetic of <see cref="ComputeOutput"/> at inference, value
    /// for value (no backward pass follows a fused one).
    /// </summary>
    void Kernels.IImageEpilogue.Apply(Span<float> image)
    {
        int plane = image.Length / Channels;
        ReadOnlySpan<float> gamma = _parameters[0].Value.Span, beta = _parameters[1].Value.Span;
        for (int c = 0; c < Channels; c++)
        {
            var (mean, inverseStd) = Statistics.RunningStatistics(c);
            Span<float> y = image.Slice(c * plane, plane);
            NormaliseScaleShift(y, mean, inverseStd, gamma[c], beta[c], Activation is ReLU, y);
            if (Activation is not (null or ReLU)) Activation.ApplyTo(y, y);
        }
    }

    // x̂ = (x − μ)·s and y = γ·x̂ + β (then max(y, 0) for ReLU), one vector loop per plane. y may be x. x̂ is not kept:
    // the backward pass computes it again from x, with the same operations, so it gets the same values without the
    // memory traffic of storing them (a tensor the size of the input per batch norm).
    private static void NormaliseScaleShift(ReadOnlySpan<float> x, float mean, float inverseStd, float gamma, float beta, bool relu, Span<float> y)
    {
        int i = 0, width = Vector<float>.Count;
        var (vm, vs, vg, vb) = (new Vector<float>(mean), new Vector<float>(inverseStd), new Vector<float>(gamma), new Vector<float>(beta));
        for (; i <= x.Length - width; i += width)
        {
            var h = Normalise(new Vector<float>(x[i..]), vm, vs);
            var v = vg * h + vb;
            (relu ? Vector.Max(v, Vector<float>.Zero) : v).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++)
        {
            float h = Normalise(x[i], mean, inverseStd);
            float v = gamma * h + beta;
            y[i] = relu ? MathF.Max(v, 0f) : v;
        }
    }

    // (Σ dz, Σ dz·x̂) over one plane, x̂ = (x − μ)·s as the forward pass computed it.
    private static (double Sum, double Dot) SumAndDot(ReadOnlySpan<float> dz, ReadOnlySpan<float> x, float mean, float inverseStd)
    {
        int i = 0, width = Vector<float>.Count;
        var (vm, vs) = (new Vector<float>(mean), new Vector<float>(inverseStd));
        Vector<float> sum = Vector<float>.Zero, dot = Vector<float>.Zero;
        for (; i <= dz.Length - width; i += width)
        {
            var d = new Vector<float>(dz[i..]);
            sum += d;
            dot += d * Normalise(new Vector<float>(x[i..]), vm, vs);
        }
        double s = Vector.Sum(sum), p = Vector.Sum(dot);
        for (; i < dz.Length; i++)
        {
            s += dz[i];
            p += (double)dz[i] * Normalise(x[i], mean, inverseStd);
        }
        return (s, p);
    }

    // dx = a·dz + b·x̂ + k over one plane.
    private static void Combine(ReadOnlySpan<float> dz, ReadOnlySpan<float> x, float mean, float inverseStd, float a, float b, float k, Span<float> dx)
    {
        int i = 0, width = Vector<float>.Count;
        var (vm, vs, va, vb, vk) = (new Vector<float>(mean), new Vector<float>(inverseStd), new Vector<float>(a), new Vector<float>(b), new Vector<float>(k));
        for (; i <= dz.Length - width; i += width)
            (va * new Vector<float>(dz[i..]) + vb * Normalise(new Vector<float>(x[i..]), vm, vs) + vk).CopyTo(dx[i..]);
        for (; i < dz.Length; i++) dx[i] = a * dz[i] + b * Normalise(x[i], mean, inverseStd) + k;
    }

    // x̂ = (x − μ)·s, the one formula the forward and backward passes share, so they get the same values.
    private static Vector<float> Normalise(Vector<float> x, Vector<float> mean, Vector<float> inverseStd) => (x - mean) * inverseStd;

    private static float Normalise(float x, float mean, float inverseStd) => (x - mean) * inverseStd;
}
