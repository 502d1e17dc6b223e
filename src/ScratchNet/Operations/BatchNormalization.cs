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
    private readonly double[] _sum;
    private readonly double[] _sum2;

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
        _sum = new double[channels];
        _sum2 = new double[channels];
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
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = output.Span;

        if (Training)
        {
            if (m < 2)
                throw new ArgumentException(
                    $"{Name}: training needs more than one value per channel, but input {input.ShapeText} has {m}.", nameof(input));
            // Pass 1: the mean. Pass 2: y = x − μ and Σ(x − μ)² (two passes keep the variance accurate).
            Array.Clear(_sum);
            Array.Clear(_sum2);
            for (int offset = 0, n = 0; n < batch; n++)
                for (int c = 0; c < Channels; c++, offset += plane)
                    _sum[c] += TensorPrimitives.Sum(x.Slice(offset, plane));
            for (int c = 0; c < Channels; c++) _mean[c] = (float)(_sum[c] / m);
            for (int offset = 0, n = 0; n < batch; n++)
                for (int c = 0; c < Channels; c++, offset += plane)
                {
                    Span<float> yc = y.Slice(offset, plane);
                    TensorPrimitives.Subtract(x.Slice(offset, plane), _mean[c], yc);
                    _sum2[c] += TensorPrimitives.SumOfSquares<float>(yc);
                }
            Span<float> runningMean = RunningMean.Span, runningVar = RunningVariance.Span;
            for (int c = 0; c < Channels; c++)
            {
                double variance = _sum2[c] / m;
                _inverseStd[c] = (float)(1.0 / Math.Sqrt(variance + Epsilon));
                runningMean[c] = (1f - Momentum) * runningMean[c] + Momentum * _mean[c];
                runningVar[c] = (float)((1.0 - Momentum) * runningVar[c] + Momentum * (_sum2[c] / (m - 1)));
            }
            for (int offset = 0, n = 0; n < batch; n++)
                for (int c = 0; c < Channels; c++, offset += plane)
                    TensorPrimitives.Multiply(y.Slice(offset, plane), _inverseStd[c], y.Slice(offset, plane));
        }
        else
        {
            ReadOnlySpan<float> runningMean = RunningMean.Span, runningVar = RunningVariance.Span;
            for (int c = 0; c < Channels; c++)
            {
                _mean[c] = runningMean[c];
                _inverseStd[c] = (float)(1.0 / Math.Sqrt((double)runningVar[c] + Epsilon));
            }
            for (int offset = 0, n = 0; n < batch; n++)
                for (int c = 0; c < Channels; c++, offset += plane)
                {
                    Span<float> yc = y.Slice(offset, plane);
                    TensorPrimitives.Subtract(x.Slice(offset, plane), _mean[c], yc);
                    TensorPrimitives.Multiply(yc, _inverseStd[c], yc);
                }
        }
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        int batch = Input.Dim(0), plane = Input.SampleLength / Channels;
        double m = (double)batch * plane;
        Tensor inputGradient = InputGradientBuffer();
        ReadOnlySpan<float> g = outputGradient.Span, xHat = Output.Span;
        Span<float> dx = inputGradient.Span;

        if (!Training)
        {
            for (int offset = 0, n = 0; n < batch; n++)
                for (int c = 0; c < Channels; c++, offset += plane)
                    TensorPrimitives.Multiply(g.Slice(offset, plane), _inverseStd[c], dx.Slice(offset, plane));
            return inputGradient;
        }

        // Σg and Σ(g·x̂) per channel, then dx = (1/σ)·(g − Σg/M − x̂·Σ(g·x̂)/M).
        Array.Clear(_sum);
        Array.Clear(_sum2);
        for (int offset = 0, n = 0; n < batch; n++)
            for (int c = 0; c < Channels; c++, offset += plane)
            {
                ReadOnlySpan<float> gc = g.Slice(offset, plane);
                _sum[c] += TensorPrimitives.Sum(gc);
                _sum2[c] += TensorPrimitives.Dot(gc, xHat.Slice(offset, plane));
            }
        for (int offset = 0, n = 0; n < batch; n++)
            for (int c = 0; c < Channels; c++, offset += plane)
            {
                float s = _inverseStd[c];
                float meanG = (float)(_sum[c] / m), meanGx = (float)(_sum2[c] / m);
                Span<float> dxc = dx.Slice(offset, plane);
                // dx = s·g − s·meanGx·x̂ − s·meanG
                TensorPrimitives.MultiplyAdd(xHat.Slice(offset, plane), -meanGx, g.Slice(offset, plane), dxc);
                TensorPrimitives.Subtract(dxc, meanG, dxc);
                TensorPrimitives.Multiply(dxc, s, dxc);
            }
        return inputGradient;
    }
}
