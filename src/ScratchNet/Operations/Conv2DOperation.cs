using ScratchNet.Kernels;

namespace ScratchNet.Operations;

/// <summary>
/// 2-D convolution (cross-correlation, as in every deep-learning library) by im2col and matrix products.
/// Input x is NCHW [N, C, H, W], weight w is OIHW [O, C, KH, KW], output z is [N, O, OH, OW]:
/// z[n, o, i, j] = Σ_{c,u,v} x[n, c, i·sh + u − pt, j·sw + v − pl] · w[o, c, u, v]  (zeros outside x).
/// </summary>
/// <remarks>
/// Per image, with X = im2col(x[n]) of shape [C·KH·KW, OH·OW] and W = w viewed as [O, C·KH·KW]:
/// forward Z = W·X; weight gradient ∂L/∂W = Σₙ ∂L/∂Z · Xᵀ; input gradient ∂L/∂x[n] = col2im(Wᵀ · ∂L/∂Z).
/// col2im sends every gradient back to the input pixel it came from, which is the "full convolution
/// with the kernel turned by 180°" of the textbooks, so no flip can be forgotten (the notebook did).
/// Images are split among threads; each thread sums its own weight gradient, and the sums are added
/// in thread order, so a given thread count always gives the same bits.
/// Grouped convolution (groups G, MobileNet's depthwise when G = C): the weight is [O, C/G, KH, KW], and group g
/// convolves input channels [g·C/G, (g+1)·C/G) into output channels [g·O/G, (g+1)·O/G). Each group is the plain
/// convolution above on its own slices (contiguous in NCHW and in OIHW), so G = 1 is exactly the ungrouped kernel.
/// </remarks>
public sealed class Conv2DOperation : ParamOperation
{
    private readonly int _strideHeight, _strideWidth;
    private readonly Padding _padding;
    private ConvGeometry _geometry;   // of one group: Channels = C/G
    private float[][] _columns = [];
    private float[][] _weightGradients = [];

    /// <summary>Creates the convolution for a weight of shape [O, C/<paramref name="groups"/>, KH, KW].</summary>
    public Conv2DOperation(Parameter weight, int strideHeight, int strideWidth, Padding padding, int groups = 1) : base(weight)
    {
        if (weight.Value.Rank != 4)
            throw new ArgumentException($"A convolution weight must be OIHW [out, in, kh, kw], got {weight.Value.ShapeText}.", nameof(weight));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strideWidth);
        _strideHeight = strideHeight;
        _strideWidth = strideWidth;
        _padding = padding;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (weight.Value.Dim(0) % groups != 0)
            throw new ArgumentException($"{Name}: {weight.Value.Dim(0)} output channels do not split into {groups} groups.", nameof(groups));
        Groups = groups;
    }

    /// <summary>The number of groups (1 for an ordinary convolution).</summary>
    public int Groups { get; }

    private int OutChannels => Parameter.Value.Dim(0);

    private int GroupOutChannels => OutChannels / Groups;

    /// <summary>The geometry of the last forward pass.</summary>
    public ConvGeometry Geometry => _geometry;

    /// <summary>
    /// The window geometry of one group for an input of [N, C, H, W] (throws when it does not fit): its Channels are
    /// C/G, so its PatchLength is what one output value sums over.
    /// </summary>
    public ConvGeometry GeometryFor(ReadOnlySpan<int> inputShape)
    {
        Tensor w = Parameter.Value;
        if (inputShape.Length != 4 || inputShape[1] != (long)w.Dim(1) * Groups)
            throw new ShapeMismatchException(
                $"{Name}: weight of size {w.ShapeText}{(Groups > 1 ? $" in {Groups} groups" : "")} expects input [batch, {(long)w.Dim(1) * Groups}, height, width], but got {Tensor.FormatShape(inputShape)}.");
        int h = inputShape[2], wd = inputShape[3];
        var (top, bottom) = _padding.Resolve(h, w.Dim(2), _strideHeight, vertical: true);
        var (left, right) = _padding.Resolve(wd, w.Dim(3), _strideWidth, vertical: false);
        var g = new ConvGeometry(w.Dim(1), h, wd, w.Dim(2), w.Dim(3), _strideHeight, _strideWidth, top, left, bottom, right).CheckSizes(Name);
        if ((long)h + top + bottom < g.KernelHeight || (long)wd + left + right < g.KernelWidth)
            throw new ShapeMismatchException(
                $"{Name}: a {g.KernelHeight}×{g.KernelWidth} kernel does not fit an input of {h}×{wd} with {_padding} padding.");
        return g;
    }

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        ConvGeometry g = _geometry = GeometryFor(input.Shape);
        Tensor output = OutputBuffer(input.Dim(0), OutChannels, g.OutputHeight, g.OutputWidth);
        EnsureScratch(g, input.Dim(0));
        Compute.For(input.Dim(0), (Op: this, X: input, Z: output), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int groups = s.Op.Groups, outChannels = s.Op.GroupOutChannels, plane = g.OutputPlane;
            int weights = outChannels * g.PatchLength, outputs = outChannels * plane;
            Span<float> columns = s.Op._columns[worker];
            for (int n = start; n < end; n++)
                for (int k = 0; k < groups; k++)   // group k: Z_k = W_k · im2col(x_k)
                {
                    Im2Col.Expand(s.X.Span.Slice((n * groups + k) * g.ImageLength, g.ImageLength), g, columns);
                    // Z[O,P] = W[O,CKK]·X[CKK,P]   (O, C: this group's channels; P = OH·OW; X = im2col(x_k))
                    Gemm.Multiply(false, false, outChannels, plane, g.PatchLength, 1f,
                        s.Op.Parameter.Value.Span.Slice(k * weights, weights), g.PatchLength, columns, plane,
                        0f, s.Z.Span.Slice((n * groups + k) * outputs, outputs), plane);
                }
        });
        return output;
    }

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        ConvGeometry g = _geometry;
        EnsureScratch(g, Input.Dim(0)); // the thread count may have grown since the forward pass
        int weights = Parameter.Value.Length;
        int workers = Compute.For(Input.Dim(0), (Op: this, X: Input, Dz: outputGradient), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int groups = s.Op.Groups, outChannels = s.Op.GroupOutChannels, plane = g.OutputPlane;
            int weights = outChannels * g.PatchLength, outputs = outChannels * plane;
            Span<float> columns = s.Op._columns[worker], gradient = s.Op._weightGradients[worker].AsSpan(0, s.Op.Parameter.Value.Length);
            gradient.Clear();
            for (int n = start; n < end; n++)
                for (int k = 0; k < groups; k++)   // ∂L/∂W_k += ∂L/∂Z_k · im2col(x_k)ᵀ
                {
                    Im2Col.Expand(s.X.Span.Slice((n * groups + k) * g.ImageLength, g.ImageLength), g, columns);
                    // dW[O,CKK] += dZ[O,P]·Xᵀ[P,CKK]   (beta 1: the worker's sum over its images)
                    Gemm.Multiply(false, true, outChannels, g.PatchLength, plane, 1f,
                        s.Dz.Span.Slice((n * groups + k) * outputs, outputs), plane,
                        columns, plane, 1f, gradient.Slice(k * weights, weights), g.PatchLength);
                }
        });
        Span<float> total = Parameter.Gradient.Span;
        _weightGradients[0].AsSpan(0, weights).CopyTo(total);
        for (int w = 1; w < workers; w++)
            System.Numerics.Tensors.TensorPrimitives.Add(total, _weightGradients[w].AsSpan(0, weights), total);
    }

    /// <inheritdoc />
    protected override Tensor ComputeInputGradient(Tensor outputGradient)
    {
        ConvGeometry g = _geometry;
        Tensor inputGradient = InputGradientBuffer();
        EnsureScratch(g, inputGradient.Dim(0));
        Compute.For(inputGradient.Dim(0), (Op: this, Dz: outputGradient, Dx: inputGradient), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int groups = s.Op.Groups, outChannels = s.Op.GroupOutChannels, plane = g.OutputPlane;
            int weights = outChannels * g.PatchLength, outputs = outChannels * plane;
            Span<float> columns = s.Op._columns[worker];
            for (int n = start; n < end; n++)
                for (int k = 0; k < groups; k++)   // ∂L/∂x_k = col2im(W_kᵀ · ∂L/∂Z_k)
                {
                    // dX[CKK,P] = Wᵀ[CKK,O]·dZ[O,P]   (folded back onto the image below)
                    Gemm.Multiply(true, false, g.PatchLength, plane, outChannels, 1f,
                        s.Op.Parameter.Value.Span.Slice(k * weights, weights), g.PatchLength,
                        s.Dz.Span.Slice((n * groups + k) * outputs, outputs), plane,
                        0f, columns, plane);
                    Span<float> image = s.Dx.Span.Slice((n * groups + k) * g.ImageLength, g.ImageLength);
                    image.Clear();
                    Im2Col.Fold(columns, g, image);
                }
        });
        return inputGradient;
    }

    // One im2col buffer and one weight-gradient accumulator per worker of a batch of `images`, grown when needed:
    // sized by the workers used, so a high thread count on small batches costs no memory.
    private void EnsureScratch(in ConvGeometry g, int images)
    {
        int workers = Compute.WorkersFor(images), columns = g.PatchLength * g.OutputPlane, weights = Parameter.Value.Length;
        if (_columns.Length < workers || _columns[0].Length < columns)
        {
            _columns = new float[workers][];
            for (int w = 0; w < workers; w++) _columns[w] = new float[columns];
        }
        if (_weightGradients.Length < workers || _weightGradients[0].Length < weights)
        {
            _weightGradients = new float[workers][];
            for (int w = 0; w < workers; w++) _weightGradients[w] = new float[weights];
        }
    }
}
