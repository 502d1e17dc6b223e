using System.Numerics.Tensors;

namespace ScratchNet.Operations;

/// <summary>
/// Normalises each channel (feature) to zero mean and unit variance: input [N, C] or [N, C, H, W] (any [N, C, ...]),
/// statistics per channel c over the M = N·H·W values of that channel. It has no learnable parameter: the
/// <see cref="ScratchNet.Layers.BatchNorm"/> layer follows it with <see cref="ChannelScale"/> (γ) and <see cref="BiasAdd"/> (β).
/// </summary>
/// <remarks>
/// <para><b>Training forward.</b> μ = (1/M)·Σx, σ² = (1/M)·Σ(x − μ)² (biased), σ = √(σ² + ε), x̂ = (x − μ)/σ.
/// The running statistics move towards the batch ones, PyTorch's convention with momentum m:
/// running_mean ← (1 − m)·running_mean + m·μ and running_var ← (1 − m)·running_var + m·σ²·M/(M − 1)
/// (the unbiased variance). They start at 0 and 1.</para>
/// <para><b>Inference forward.</b> x̂ = (x − running_mean)/√(running_var + ε); nothing is updated.</para>
/// <para><b>Training backward.</b> With g = ∂L/∂x̂ and everything per channel: x̂ depends on x directly and through μ
/// and σ. ∂σ²/∂xᵢ = 2(xᵢ − μ)/M (the μ term sums to zero) and ∂μ/∂xᵢ = 1/M, so
/// ∂L/∂σ = −(1/σ)·Σⱼ gⱼ·x̂ⱼ gives ∂L/∂xᵢ through σ as −(1/σ)·Σⱼ(gⱼx̂ⱼ)·x̂ᵢ/M, and through μ as −(1/σ)·Σⱼgⱼ/M
/// (the part of ∂σ/∂μ vanishes because Σ(x − μ) = 0). Together:
/// dxᵢ = (1/M)·(1/σ)·(M·gᵢ − Σⱼgⱼ − x̂ᵢ·Σⱼ(gⱼ·x̂ⱼ)).</para>
/// <para><b>Inference backward.</b> The statistics are constants: dx = g/√(running_var + ε).</para>
/// <para>A training batch needs M ≥ 2 values per channel (the unbiased variance divides by M − 1), as in PyTorch.</para>
/// </remarks>
public sealed class BatchNormalization : Operation
{
    private readonly NamedBuffer[] _buffers;
    private readonly float[] _mean;
    private readonly float[] _inverseStd;
    private float[] _deviations = [];

    /// <summary>Creates the operation for <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Size of axis 1 of the input; positive.</param>
    /// <param name="momentum">Weight m of the batch statistics in the running ones, in [0, 1].</param>
    /// <param name="epsilon">Added to the variance before the square root; positive.</param>
    public BatchNormalization(int channels, float momentum = 0.1f, float epsilon = 1e-5f)
    {
        if (channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"BatchNormalization: channels must be a positive number, got {channels}.");
        Channels = channels;
        Momentum = ValidateMomentum(momentum, "BatchNormalization");
        Epsilon = ValidateEpsilon(epsilon, "BatchNormalization");
        RunningMean = new Tensor(channels);
        RunningVariance = new Tensor(channels);
        RunningVariance.Fill(1f);
        _buffers = [new NamedBuffer("running_mean", RunningMean), new NamedBuffer("running_var", RunningVariance)];
        _mean = new float[channels];
        _inverseStd = new float[channels];
    }

    /// <summary>The number of channels (size of axis 1).</summary>
    public int Channels { get; }

    /// <summary>The weight of each batch's statistics in the running ones.</summary>
    public float Momentum { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The running mean per channel, used at inference ("running_mean").</summary>
    public Tensor RunningMean { get; }

    /// <summary>The running (unbiased) variance per channel, used at inference ("running_var").</summary>
    public Tensor RunningVariance { get; }

    /// <inheritdoc />
    public override IReadOnlyList<NamedBuffer> Buffers => _buffers;

    internal static float ValidateMomentum(float momentum, string owner) => momentum is >= 0f and <= 1f ? momentum
        : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{owner}: momentum must be in [0, 1], got {momentum}.");

    internal static float ValidateEpsilon(float epsilon, string owner) => float.IsFinite(epsilon) && epsilon > 0f ? epsilon
        : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{owner}: epsilon must be a positive finite number, got {epsilon}.");

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        CheckInput(input, Training);
        Tensor output = OutputBuffer(input.Shape);
        EnsureDeviations(input);
        // Channels are independent: each worker takes a range of them, so any thread count gives the same bits.
        Compute.For(Channels, input.Length, (Op: this, X: input, Y: output), static (in s, worker, first, end) =>
        {
            int batch = s.X.Dim(0), plane = s.X.SampleLength / s.Op.Channels, stride = s.Op.Channels * plane;
            for (int c = first; c < end; c++)
            {
                var (mean, inverseStd) = s.Op.Statistics(s.X, c, s.Op.Training, s.Op.Deviations(worker, plane));
                for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
                    SubtractAndScale(s.X.Span.Slice(offset, plane), mean, inverseStd, s.Y.Span.Slice(offset, plane));
            }
        });
        return output;
    }

    /// <summary>Throws unless <paramref name="input"/> is [N, Channels, ...] with at least two values per channel in training.</summary>
    internal void CheckInput(Tensor input, bool training)
    {
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ShapeMismatchException(
                $"{Name}: built for {Channels} channels, expects input [batch, {Channels}, ...], but got {input.ShapeText}.");
        if (training && input.Length / Channels < 2)
            throw new ArgumentException(
                $"{Name}: training needs more than one value per channel, but input {input.ShapeText} has {input.Length / Channels}.", nameof(input));
    }

    /// <summary>Makes room for one plane of scratch per worker (see <see cref="Deviations"/>).</summary>
    internal void EnsureDeviations(Tensor input)
    {
        int plane = input.SampleLength / Channels;
        int workers = Compute.WorkersFor(Channels); // the most that Compute.For over the channels uses
        if (_deviations.Length < workers * plane) _deviations = new float[workers * plane];
    }

    /// <summary>Worker <paramref name="worker"/>'s one-plane scratch.</summary>
    internal Span<float> Deviations(int worker, int plane) => _deviations.AsSpan(worker * plane, plane);

    /// <summary>
    /// The mean μ and 1/σ that normalise channel <paramref name="c"/> of <paramref name="input"/>: in training the
    /// batch's (pass 1: the mean; pass 2: Σ(x − μ)² through the one-plane scratch <paramref name="deviations"/>, as
    /// two passes keep the variance accurate), which also move the running statistics; at inference the running ones.
    /// Kept for the backward pass.
    /// </summary>
    internal (float Mean, float InverseStd) Statistics(Tensor input, int c, bool training, Span<float> deviations)
    {
        int batch = input.Dim(0), plane = input.SampleLength / Channels, stride = Channels * plane;
        if (!training)
        {
            (_mean[c], _inverseStd[c]) = RunningStatistics(c);
            return (_mean[c], _inverseStd[c]);
        }
        ReadOnlySpan<float> x = input.Span;
        long m = (long)batch * plane;
        double sum = 0, squares = 0;
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
            sum += Sum(x.Slice(offset, plane));
        float mean = (float)(sum / m);
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
        {
            Subtract(x.Slice(offset, plane), mean, deviations);
            squares += SumOfSquares(deviations);
        }
        float inverseStd = (float)(1.0 / Math.Sqrt(squares / m + Epsilon));
        _mean[c] = mean;
        _inverseStd[c] = inverseStd;
        Span<float> runningMean = RunningMean.Span, runningVar = RunningVariance.Span;
        runningMean[c] = (1f - Momentum) * runningMean[c] + Momentum * mean;
        runningVar[c] = (float)((1.0 - Momentum) * runningVar[c] + Momentum * (squares / (m - 1)));
        return (mean, inverseStd);
    }

    /// <summary>μ of channel <paramref name="c"/> in the last forward pass.</summary>
    internal float Mean(int c) => _mean[c];

    /// <summary>1/σ of channel <paramref name="c"/> in the last forward pass.</summary>
    internal float InverseStd(int c) => _inverseStd[c];

    /// <summary>The mean and 1/σ that inference uses for channel <paramref name="c"/>: the running ones.</summary>
    internal (float Mean, float InverseStd) RunningStatistics(int c) =>
        (RunningMean[c], (float)(1.0 / Math.Sqrt((double)RunningVariance[c] + Epsilon)));

    // Short runs (a dense input has one value per channel and sample) go faster without the vector call overhead.
    internal static double Sum(ReadOnlySpan<float> x)
    {
        if (x.Length >= 16) return TensorPrimitives.Sum(x);
        double s = 0;
        foreach (float v in x) s += v;
        return s;
    }

    internal static double SumOfSquares(ReadOnlySpan<float> x)
    {
        if (x.Length >= 16) return TensorPrimitives.SumOfSquares(x);
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return s;
    }

    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length >= 16) return TensorPrimitives.Dot(a, b);
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    internal static void Subtract(ReadOnlySpan<float> x, float value, Span<float> y)
    {
        if (x.Length >= 16) TensorPrimitives.Subtract(x, value, y);
        else for (int i = 0; i < x.Length; i++) y[i] = x[i] - value;
    }

    // y = (x − value)·factor, rounded after the subtraction and after the product.
    internal static void SubtractAndScale(ReadOnlySpan<float> x, float value, float factor, Span<float> y)
    {
        int i = 0, width = System.Numerics.Vector<float>.Count;
        var v = new System.Numerics.Vector<float>(value);
        var f = new System.Numerics.Vector<float>(factor);
        for (; i <= x.Length - width; i += width) ((new System.Numerics.Vector<float>(x[i..]) - v) * f).CopyTo(y[i..]);
        for (; i < x.Length; i++) y[i] = (x[i] - value) * factor;
    }

    internal static void Scale(Span<float> y, float factor)
    {
        if (y.Length >= 16) TensorPrimitives.Multiply(y, factor, y);
        else for (int i = 0; i < y.Length; i++) y[i] *= factor;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Compute.For(Channels, inputGradient.Length, (Op: this, Dy: outputGradient, Dx: inputGradient), static (in s, _, first, end) =>
        {
            int batch = s.Dx.Dim(0), plane = s.Dx.SampleLength / s.Op.Channels;
            for (int c = first; c < end; c++) s.Op.DifferentiateChannel(s.Dy, s.Dx, c, batch, plane, s.Op.Training);
        });
        return inputGradient;
    }

    // Inference: dx = g/σ. Training: Σg and Σ(g·x̂) over the channel, then dx = (1/σ)·(g − Σg/M − x̂·Σ(g·x̂)/M).
    private void DifferentiateChannel(Tensor outputGradient, Tensor inputGradient, int c, int batch, int plane, bool training)
    {
        ReadOnlySpan<float> g = outputGradient.Span, xHat = Output.Span;
        Span<float> dx = inputGradient.Span;
        int stride = Channels * plane;
        float s = _inverseStd[c];
        if (!training)
        {
            for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
            {
                g.Slice(offset, plane).CopyTo(dx.Slice(offset, plane));
                Scale(dx.Slice(offset, plane), s);
            }
            return;
        }
        double m = (double)batch * plane, sumG = 0, sumGx = 0;
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
        {
            ReadOnlySpan<float> gc = g.Slice(offset, plane);
            sumG += Sum(gc);
            sumGx += Dot(gc, xHat.Slice(offset, plane));
        }
        float meanG = (float)(sumG / m), meanGx = (float)(sumGx / m);
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
            NormalisationGradient(g.Slice(offset, plane), xHat.Slice(offset, plane), meanG, meanGx, s, dx.Slice(offset, plane));
    }

    /// <summary>One plane of the training backward pass: dx = s·(g − meanGx·x̂ − meanG).</summary>
    internal static void NormalisationGradient(ReadOnlySpan<float> g, ReadOnlySpan<float> xHat, float meanG, float meanGx, float s, Span<float> dx)
    {
        if (g.Length >= 16)
        {
            TensorPrimitives.MultiplyAdd(xHat, -meanGx, g, dx);
            TensorPrimitives.Subtract(dx, meanG, dx);
            TensorPrimitives.Multiply(dx, s, dx);
        }
        else
            for (int i = 0; i < g.Length; i++) dx[i] = (g[i] - meanGx * xHat[i] - meanG) * s;
    }
}
