using System.Numerics.Tensors;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Operations;

/// <summary>
/// Batch normalisation, scale γ, shift β and an activation as one operation over [N, C, H, W]:
/// y = f(γ·x̂ + β) with x̂ normalised per channel by <see cref="BatchNormalization"/>'s statistics. The same
/// numbers, bit for bit, as <see cref="BatchNormalization"/> → <see cref="ChannelScale"/> → <see cref="BiasActivation"/>
/// (or <see cref="BiasAdd"/> without an activation), whose documentation derives them; fused, the pass that
/// normalises a plane also scales, shifts and activates it, and the backward pass needs two trips through the
/// channel instead of four.
/// </summary>
/// <remarks>
/// Backward, per channel: dz = f′·dy (taken from the output, so only activations whose derivative the output
/// gives are accepted), dβ = Σ dz, dγ = Σ dz·x̂ and g = γ·dz in a first trip, which also sums g and g·x̂; then
/// the normalisation's gradient dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)), recomputing dz and g plane by plane.
/// </remarks>
public sealed class FusedBatchNorm : Operation
{
    private readonly Parameter[] _parameters;
    private Tensor? _normalised, _inputGradient;
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
        Tensor xHat = Tensor.Reuse(ref _normalised, input.Shape), output = OutputBuffer(input.Shape);
        Compute.For(Channels, input.Length, (Op: this, X: input, XHat: xHat, Y: output), static (in s, worker, first, end) =>
        {
            int batch = s.X.Dim(0), plane = s.X.SampleLength / s.Op.Channels, stride = s.Op.Channels * plane;
            ReadOnlySpan<float> gamma = s.Op._parameters[0].Value.Span, beta = s.Op._parameters[1].Value.Span;
            for (int c = first; c < end; c++)
            {
                var (mean, inverseStd) = s.Op.Statistics.Statistics(s.X, c, s.Op.Training, s.Op.Statistics.Deviations(worker, plane));
                for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
                {
                    Span<float> xHatPlane = s.XHat.Span.Slice(offset, plane), y = s.Y.Span.Slice(offset, plane);
                    BatchNormalization.SubtractAndScale(s.X.Span.Slice(offset, plane), mean, inverseStd, xHatPlane);
                    TensorPrimitives.Multiply(xHatPlane, gamma[c], y);
                    TensorPrimitives.Add(y, beta[c], y);
                    s.Op.Activation?.ApplyTo(y, y);
                }
            }
        });
        return output;
    }

    /// <inheritdoc />
    protected override void ComputeParameterGradients(Tensor outputGradient)
    {
        int plane = outputGradient.SampleLength / Channels;
        if (_planes.Length < 2 * Compute.Threads * plane) _planes = new float[2 * Compute.Threads * plane];
        _parameters[0].Gradient.Span.Clear();
        _parameters[1].Gradient.Span.Clear();
        _inputGradient = ComputesInputGradient ? InputGradientBuffer() : null;
        Compute.For(Channels, outputGradient.Length, (Op: this, Dy: outputGradient, Dx: _inputGradient), static (in s, worker, first, end) =>
        {
            int plane = s.Dy.SampleLength / s.Op.Channels;
            Span<float> dz = s.Op._planes.AsSpan(2 * worker * plane, plane), g = s.Op._planes.AsSpan((2 * worker + 1) * plane, plane);
            for (int c = first; c < end; c++) s.Op.DifferentiateChannel(s.Dy, s.Dx, c, dz, g);
        });
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient) => _inputGradient!;

    // First trip: dγ, dβ and the sums of g and g·x̂; second: dx (training) or g/σ (inference).
    private void DifferentiateChannel(Tensor outputGradient, Tensor? inputGradient, int c, Span<float> dz, Span<float> g)
    {
        int batch = outputGradient.Dim(0), plane = dz.Length, stride = Channels * plane;
        float gamma = _parameters[0].Value[c], inverseStd = Statistics.InverseStd(c);
        ReadOnlySpan<float> xHat = _normalised!.Span;
        double sumG = 0, sumGx = 0;
        float dGamma = 0, dBeta = 0;
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
        {
            ReadOnlySpan<float> dzPlane = ScaledGradient(outputGradient, offset, gamma, dz, g);
            dBeta += TensorPrimitives.Sum(dzPlane);
            dGamma += TensorPrimitives.Dot(dzPlane, xHat.Slice(offset, plane));
            sumG += BatchNormalization.Sum(g);
            sumGx += BatchNormalization.Dot(g, xHat.Slice(offset, plane));
        }
        _parameters[0].Gradient[c] = dGamma;
        _parameters[1].Gradient[c] = dBeta;
        if (inputGradient is null) return;
        double m = (double)batch * plane;
        float meanG = (float)(sumG / m), meanGx = (float)(sumGx / m);
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
        {
            ScaledGradient(outputGradient, offset, gamma, dz, g);
            Span<float> dx = inputGradient.Span.Slice(offset, plane);
            if (Training) BatchNormalization.NormalisationGradient(g, xHat.Slice(offset, plane), meanG, meanGx, inverseStd, dx);
            else TensorPrimitives.Multiply(g, inverseStd, dx);
        }
    }

    // dz = f′·dy for one plane (dy itself without an activation) and g = γ·dz; returns dz.
    private ReadOnlySpan<float> ScaledGradient(Tensor outputGradient, int offset, float gamma, Span<float> dz, Span<float> g)
    {
        ReadOnlySpan<float> dy = outputGradient.Span.Slice(offset, dz.Length);
        if (Activation is not null)
        {
            ReadOnlySpan<float> y = Output.Span.Slice(offset, dz.Length);
            Activation.DifferentiateAt(y, y, dy, dz);
            dy = dz;
        }
        TensorPrimitives.Multiply(dy, gamma, g);
        return dy;
    }
}
