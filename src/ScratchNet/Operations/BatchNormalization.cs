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
        if (input.Rank < 2 || input.Dim(1) != Channels)
            throw new ShapeMismatchException(
                $"{Name}: built for {Channels} channels, expects input [batch, {Channels}, ...], but got {input.ShapeText}.");
        int batch = input.Dim(0), plane = input.SampleLength / Channels;
        long m = (long)batch * plane;
        Tensor output = OutputBuffer(input.Shape);
        if (Training && m < 2)
            throw new ArgumentException(
                $"{Name}: training needs more than one value per channel, but input {input.ShapeText} has {m}.", nameof(input));
        // Channels are independent: each worker takes a range of them, so any thread count gives the same bits.
        if (_deviations.Length < Compute.Threads * plane) _deviations = new float[Compute.Threads * plane];
        Compute.For(Channels, input.Length, (Op: this, X: input, Y: output), static (in s, worker, first, end) =>
        {
            int batch = s.X.Dim(0), plane = s.X.SampleLength / s.Op.Channels;
            for (int c = first; c < end; c++)
            {
                if (s.Op.Training) s.Op.NormaliseWithBatchStatistics(s.X, s.Y, c, batch, plane, s.Op._deviations.AsSpan(worker * plane, plane));
                else s.Op.NormaliseWithRunningStatistics(s.X, s.Y, c, batch, plane);
            }
        });
        return output;
    }

    // Pass 1: the mean. Pass 2: Σ(x − μ)² through a one-plane scratch (two passes keep the variance accurate).
    // Pass 3: y = (x − μ)·(1/σ).
    private void NormaliseWithBatchStatistics(Tensor input, Tensor output, int c, int batch, int plane, Span<float> deviations)
    {
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = output.Span;
        int stride = Channels * plane;
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
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
            SubtractAndScale(x.Slice(offset, plane), mean, inverseStd, y.Slice(offset, plane));
        _mean[c] = mean;
        _inverseStd[c] = inverseStd;
        Span<float> runningMean = RunningMean.Span, runningVar = RunningVariance.Span;
        runningMean[c] = (1f - Momentum) * runningMean[c] + Momentum * mean;
        runningVar[c] = (float)((1.0 - Momentum) * runningVar[c] + Momentum * (squares / (m - 1)));
    }

    private void NormaliseWithRunningStatistics(Tensor input, Tensor output, int c, int batch, int plane)
    {
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = output.Span;
        int stride = Channels * plane;
        float mean = _mean[c] = RunningMean[c];
        float inverseStd = _inverseStd[c] = (float)(1.0 / Math.Sqrt((double)RunningVariance[c] + Epsilon));
        for (int n = 0, offset = c * plane; n < batch; n++, offset += stride)
            SubtractAndScale(x.Slice(offset, plane), mean, inverseStd, y.Slice(offset, plane));
    }

    // Short runs (a dense input has one value per channel and sample) go faster without the vector call overhead.
    private static double Sum(ReadOnlySpan<float> x)
    {
        if (x.Length >= 16) return TensorPrimitives.Sum(x);
        double s = 0;
        foreach (float v in x) s += v;
        return s;
    }

    private static double SumOfSquares(ReadOnlySpan<float> x)
    {
        if (x.Length >= 16) return TensorPrimitives.SumOfSquares(x);
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return s;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length >= 16) return TensorPrimitives.Dot(a, b);
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    private static void Subtract(ReadOnlySpan<float> x, float value, Span<float> y)
    {
        if (x.Length >= 16) TensorPrimitives.Subtract(x, value, y);
        else for (int i = 0; i < x.Length; i++) y[i] = x[i] - value;
    }

    // y = (x − value)·factor, rounded after the subtraction and after the product.
    private static void SubtractAndScale(ReadOnlySpan<float> x, float value, float factor, Span<float> y)
    {
        int i = 0, width = System.Numerics.Vector<float>.Count;
        var v = new System.Numerics.Vector<float>(value);
        var f = new System.Numerics.Vector<float>(factor);
        for (; i <= x.Length - width; i += width) ((new System.Numerics.Vector<float>(x[i..]) - v) * f).CopyTo(y[i..]);
        for (; i < x.Length; i++) y[i] = (x[i] - value) * factor;
    }

    private static void Scale(Span<float> y, float factor)
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
        {
            ReadOnlySpan<float> gc = g.Slice(offset, plane), xc = xHat.Slice(offset, plane);
            Span<float> dxc = dx.Slice(offset, plane);
            if (plane >= 16)
            {
                // dx = s·(g − meanGx·x̂ − meanG)
                TensorPrimitives.MultiplyAdd(xc, -meanGx, gc, dxc);
                TensorPrimitives.Subtract(dxc, meanG, dxc);
                TensorPrimitives.Multiply(dxc, s, dxc);
            }
            else
                for (int i = 0; i < plane; i++) dxc[i] = (gc[i] - meanGx * xc[i] - meanG) * s;
        }
    }
}
