using ScratchNet.Kernels;

namespace ScratchNet.Operations;

/// <summary>Which statistic a pooling window takes.</summary>
public enum PoolingKind
{
    /// <summary>The largest value; its gradient goes to that one input (the first, on ties).</summary>
    Max,

    /// <summary>The mean over the full window area; its gradient is shared evenly.</summary>
    Average,
}

/// <summary>
/// 2-D pooling of every channel plane separately: [N, C, H, W] → [N, C, OH, OW], with
/// OH = (H + padding − KH) / SH + 1 and likewise OW. No parameters.
/// </summary>
/// <remarks>
/// Max: y = max over the window, ∂L/∂x is ∂L/∂y at the position that held the maximum and 0 elsewhere.
/// Ties: the first maximum in row-major window order takes the whole gradient (a subgradient; the
/// numerical derivative is undefined there). Average: y = Σ window / (KH·KW), ∂L/∂x gets ∂L/∂y / (KH·KW)
/// from every window that contains it.
/// </remarks>
public sealed class PoolingOperation : Operation
{
    private readonly int _kernelHeight, _kernelWidth, _strideHeight, _strideWidth;
    private readonly Padding _padding;
    private ConvGeometry _geometry;
    private int[] _argMax = [];

    /// <summary>Creates a pooling operation.</summary>
    public PoolingOperation(PoolingKind kind, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideWidth);
        Kind = kind;
        (_kernelHeight, _kernelWidth, _strideHeight, _strideWidth, _padding) = (kernelHeight, kernelWidth, strideHeight, strideWidth, padding);
    }

    /// <summary>Max or average.</summary>
    public PoolingKind Kind { get; }

    /// <inheritdoc />
    public override string Name => Kind == PoolingKind.Max ? "MaxPool2D" : "AvgPool2D";

    /// <summary>The window geometry over one plane of an input of <paramref name="inputShape"/> [N, C, H, W].</summary>
    public ConvGeometry GeometryFor(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length != 4)
            throw new ShapeMismatchException($"{Name}: expected NCHW input [batch, channels, height, width], but got {Tensor.FormatShape(inputShape)}.");
        int h = inputShape[2], w = inputShape[3];
        var (top, bottom) = _padding.Resolve(h, _kernelHeight, _strideHeight, vertical: true);
        var (left, right) = _padding.Resolve(w, _kernelWidth, _strideWidth, vertical: false);
        var g = new ConvGeometry(1, h, w, _kernelHeight, _kernelWidth, _strideHeight, _strideWidth, top, left, bottom, right).CheckSizes(Name);
        if (Math.Max(top, bottom) >= _kernelHeight || Math.Max(left, right) >= _kernelWidth)
            throw new ShapeMismatchException(
                $"{Name}: padding {_padding} is as wide as the {_kernelHeight}×{_kernelWidth} window, so some windows would hold only padding; use less padding than the window size.");
        if ((long)h + top + bottom < _kernelHeight || (long)w + left + right < _kernelWidth)
            throw new ShapeMismatchException($"{Name}: a {_kernelHeight}×{_kernelWidth} window does not fit an input of {h}×{w} with {_padding} padding.");
        return g;
    }

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        ConvGeometry g = _geometry = GeometryFor(input.Shape);
        Tensor output = OutputBuffer(input.Dim(0), input.Dim(1), g.OutputHeight, g.OutputWidth);
        if (Kind == PoolingKind.Max && _argMax.Length < output.Length) _argMax = new int[output.Length];
        Compute.For(input.Dim(0) * input.Dim(1), input.Length, (Op: this, X: input, Y: output), static (in s, _, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int inPlane = g.Height * g.Width, outPlane = g.OutputPlane;
            for (int p = start; p < end; p++)
            {
                ReadOnlySpan<float> x = s.X.Span.Slice(p * inPlane, inPlane);
                Span<float> y = s.Y.Span.Slice(p * outPlane, outPlane);
                if (s.Op.Kind == PoolingKind.Max) Pooling.MaxForward(x, g, y, s.Op._argMax.AsSpan(p * outPlane, outPlane));
                else Pooling.AverageForward(x, g, y);
            }
        });
        return output;
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        Tensor inputGradient = InputGradientBuffer();
        Compute.For(inputGradient.Dim(0) * inputGradient.Dim(1), inputGradient.Length, (Op: this, Dy: outputGradient, Dx: inputGradient),
            static (in s, _, start, end) =>
            {
                ConvGeometry g = s.Op._geometry;
                int inPlane = g.Height * g.Width, outPlane = g.OutputPlane;
                for (int p = start; p < end; p++)
                {
                    Span<float> dx = s.Dx.Span.Slice(p * inPlane, inPlane);
                    ReadOnlySpan<float> dy = s.Dy.Span.Slice(p * outPlane, outPlane);
                    dx.Clear();
                    if (s.Op.Kind == PoolingKind.Max) Pooling.MaxBackward(dy, s.Op._argMax.AsSpan(p * outPlane, outPlane), dx);
                    else Pooling.AverageBackward(dy, g, dx);
                }
            });
        return inputGradient;
    }
}
