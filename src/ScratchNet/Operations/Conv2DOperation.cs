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
/// Images are split among threads (a single image splits its matrix product instead, which gives the same bits); each
/// thread sums its own weight gradient, and the sums are added in thread order, so a given thread count always gives
/// the same bits. Small output planes (7×7 is 49 columns) are computed several images to one product, side by side.
/// Grouped convolution (groups G, MobileNet's depthwise when G = C): the weight is [O, C/G, KH, KW], and group g
/// convolves input channels [g·C/G, (g+1)·C/G) into output channels [g·O/G, (g+1)·O/G). Each group is the plain
/// convolution above on its own slices (contiguous in NCHW and in OIHW), so G = 1 is exactly the ungrouped kernel.
/// Two faster paths compute the same convolution where they pay (docs/maths.md): Winograd's F(2×2, 3×3) for all three
/// passes of 3×3 stride-1 layers with 16 or more channels and outputs of 7×7 or more (<see cref="WinogradConvolution"/>,
/// <see cref="WinogradWeightGradient"/>), equal to im2col's result up to rounding; and a direct forward pass for
/// stride 1 and at most four input channels (<see cref="DirectConvolution"/>), equal to it bit for bit.
/// </remarks>
public sealed class Conv2DOperation : ParamOperation
{
    private readonly int _strideHeight, _strideWidth;
    private readonly Padding _padding;
    private ConvGeometry _geometry;   // of one group: Channels = C/G
    private float[][] _columns = [], _products = [[]];
    private float[][] _weightGradients = [];
    private int _imagesPerWorker = 1;   // the most images one worker takes in this pass
    private WinogradConvolution? _winograd, _winogradBackward;
    private WinogradWeightGradient? _winogradWeightGradient;
    private DirectConvolution? _direct;
    private Tensor? _turnedFilters;

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

    /// <summary>How the last forward pass was computed (tests and profiles read it).</summary>
    internal ConvolutionAlgorithm LastForwardAlgorithm { get; private set; }

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

    /// <summary>Output positions a matrix product should have at least, for the GEMM's 32-wide tiles to be nearly all full.</summary>
    private const int ProductColumns = 512;

    /// <summary>
    /// Images that share one matrix product: 1 when an image's output plane is wide enough by itself (28×28), more when
    /// it is small (7×7 gives 49 columns, two tiles of 32 of which the second is half empty), never more than
    /// <paramref name="available"/>. Only the shape of the work changes: every output element is the same sum.
    /// </summary>
    internal static int ImagesPerProduct(int plane, int available) =>
        plane >= ProductColumns / 2 ? 1 : Math.Clamp((ProductColumns + plane - 1) / plane, 1, Math.Max(1, available));

    /// <summary>
    /// Whether the forward pass and both gradients may use Winograd's F(2×2, 3×3) (<see cref="Winograd3x3"/>) where it
    /// applies: 3×3 kernels, stride 1, no groups, at least <see cref="WinogradMinChannels"/> channels in and out, an output
    /// of at least <see cref="WinogradMinOutputSize"/> rows and columns, a machine with AVX2. On by default; tests turn it
    /// off to compare with the im2col path.
    /// </summary>
    internal bool AllowWinograd { get; set; } = true;

    /// <summary>Below this many input or output channels the transforms cost more than the multiplications they save.</summary>
    internal const int WinogradMinChannels = 16;

    /// <summary>
    /// Below this many output rows or columns im2col is taken: a 7×7 output fills 4×4 tiles (8×8 outputs, a quarter
    /// wasted) and still gains, measured on fashion-resnet's 128-channel 7×7 layers (forward and backward in 25–45 % less
    /// time than im2col at one and two threads, docs/performance.md); smaller outputs were not measured. Tests lower it to
    /// reach partial tiles on small inputs.
    /// </summary>
    internal int WinogradMinOutputSize { get; set; } = 7;

    /// <summary>
    /// At inference, work to apply to each image's output as soon as it is complete (set by <see cref="Layers.InferenceFusion"/>
    /// for the duration of one call: a batch normalisation after the convolution); null otherwise. Ignored in training.
    /// </summary>
    internal IImageEpilogue? InferenceEpilogue { get; set; }

    /// <summary>
    /// Whether the forward pass may compute a stride-1 convolution of at most <see cref="DirectConvolution.MaxChannels"/>
    /// input channels directly (<see cref="DirectConvolution"/>), without im2col. On by default; tests turn it off.
    /// </summary>
    internal bool AllowDirect { get; set; } = true;

    private bool UsesDirect(in ConvGeometry g) =>
        AllowDirect && DirectConvolution.IsSupported && Groups == 1 && _strideHeight == 1 && _strideWidth == 1
        && g.Channels <= DirectConvolution.MaxChannels && g.OutputWidth >= 8;

    private bool UsesWinograd(in ConvGeometry g) =>
        AllowWinograd && Winograd3x3.IsSupported && Groups == 1 && g.KernelHeight == 3 && g.KernelWidth == 3
        && _strideHeight == 1 && _strideWidth == 1 && g.Channels >= WinogradMinChannels && OutChannels >= WinogradMinChannels
        && g.OutputHeight >= WinogradMinOutputSize && g.OutputWidth >= WinogradMinOutputSize;

    /// <inheritdoc />
    protected override Tensor ComputeOutput(Tensor input)
    {
        ConvGeometry g = _geometry = GeometryFor(input.Shape);
        Tensor output = OutputBuffer(input.Dim(0), OutChannels, g.OutputHeight, g.OutputWidth);
        if (UsesWinograd(g))
        {
            LastForwardAlgorithm = ConvolutionAlgorithm.Winograd;
            _winograd ??= new WinogradConvolution();
            _winograd.Forward(Parameter.Value, input, output, g, Compute, Training ? null : InferenceEpilogue);
            return output;
        }
        if (UsesDirect(g))
        {
            LastForwardAlgorithm = ConvolutionAlgorithm.Direct;
            _direct ??= new DirectConvolution();
            _direct.Forward(Parameter.Value, input, output, g, Compute, Training ? null : InferenceEpilogue);
            return output;
        }
        LastForwardAlgorithm = ConvolutionAlgorithm.Im2Col;
        EnsureScratch(g, input.Dim(0));
        Compute.For(input.Dim(0), (Op: this, X: input, Z: output, Epilogue: Training ? null : InferenceEpilogue), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int groups = s.Op.Groups, outChannels = s.Op.GroupOutChannels, plane = g.OutputPlane;
            int weights = outChannels * g.PatchLength, outputs = outChannels * plane;
            Span<float> columns = s.Op._columns[worker], product = s.Op._products[worker];
            for (int n = start, count; n < end; n += count)
            {
                count = Math.Min(ImagesPerProduct(plane, s.Op._imagesPerWorker), end - n);
                int width = count * plane;
                for (int k = 0; k < groups; k++)   // group k: Z_k = W_k · im2col(x_k), for `count` images side by side
                {
                    for (int i = 0; i < count; i++)
                        Im2Col.Expand(s.X.Span.Slice(((n + i) * groups + k) * g.ImageLength, g.ImageLength), g, columns[(i * plane)..], width);
                    // Z[O, count·P] = W[O,CKK]·X[CKK, count·P]   (O, C: this group's channels; P = OH·OW; X = im2col(x_k))
                    Span<float> z = count == 1 ? s.Z.Span.Slice((n * groups + k) * outputs, outputs) : product;
                    ReadOnlySpan<float> w = s.Op.Parameter.Value.Span.Slice(k * weights, weights);
                    if (s.X.Dim(0) == 1)   // a single image (latency): the threads share its product instead of idling
                        Gemm.Multiply(s.Op.Compute, false, false, outChannels, width, g.PatchLength, 1f, w, g.PatchLength, columns, width, 0f, z, width);
                    else
                        Gemm.Multiply(false, false, outChannels, width, g.PatchLength, 1f, w, g.PatchLength, columns, width, 0f, z, width);
                    if (count > 1) Unbatch(product, s.Z.Span, n, count, k, groups, outChannels, plane);
                }
                if (s.Epilogue is not null)
                    for (int i = 0; i < count; i++) s.Epilogue.Apply(s.Z.Span.Slice((n + i) * groups * outputs, groups * outputs));
            }
        });
        return output;
    }

    /// <inheritdoc />
    protected override void ComputeParameterGradient(Tensor outputGradient)
    {
        ConvGeometry g = _geometry;
        if (UsesWinograd(g))
        {
            _winogradWeightGradient ??= new WinogradWeightGradient();
            _winogradWeightGradient.Compute(Input, outputGradient, g, Compute, Parameter.Gradient.Span);
            return;
        }
        EnsureScratch(g, Input.Dim(0)); // the thread count may have grown since the forward pass
        int weights = Parameter.Value.Length;
        int workers = Compute.For(Input.Dim(0), (Op: this, X: Input, Dz: outputGradient), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int groups = s.Op.Groups, outChannels = s.Op.GroupOutChannels, plane = g.OutputPlane;
            int weights = outChannels * g.PatchLength, outputs = outChannels * plane;
            Span<float> columns = s.Op._columns[worker], product = s.Op._products[worker];
            Span<float> gradient = s.Op._weightGradients[worker].AsSpan(0, s.Op.Parameter.Value.Length);
            gradient.Clear();
            for (int n = start, count; n < end; n += count)
            {
                count = Math.Min(ImagesPerProduct(plane, s.Op._imagesPerWorker), end - n);
                int width = count * plane;
                for (int k = 0; k < groups; k++)   // ∂L/∂W_k += ∂L/∂Z_k · im2col(x_k)ᵀ
                {
                    for (int i = 0; i < count; i++)
                        Im2Col.Expand(s.X.Span.Slice(((n + i) * groups + k) * g.ImageLength, g.ImageLength), g, columns[(i * plane)..], width);
                    ReadOnlySpan<float> dz = count == 1 ? s.Dz.Span.Slice((n * groups + k) * outputs, outputs)
                        : Batch(s.Dz.Span, product, n, count, k, groups, outChannels, plane);
                    // dW[O,CKK] += dZ[O, count·P]·Xᵀ[count·P, CKK]   (beta 1: the worker's sum over its images)
                    Gemm.Multiply(false, true, outChannels, g.PatchLength, width, 1f, dz, width,
                        columns, width, 1f, gradient.Slice(k * weights, weights), g.PatchLength);
                }
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
        if (UsesWinograd(g) && TransposedGeometry(g) is { } transposed)
        {
            // ∂L/∂x is itself a 3×3 stride-1 convolution: of ∂L/∂Z with the filters turned by 180° and their in and out
            // channels swapped, padded by 2 − p: the same Winograd pass as the forward one.
            TurnFilters();
            _winogradBackward ??= new WinogradConvolution();
            _winogradBackward.Forward(_turnedFilters!, outputGradient, inputGradient, transposed, Compute);
            return inputGradient;
        }
        EnsureScratch(g, inputGradient.Dim(0));
        Compute.For(inputGradient.Dim(0), (Op: this, Dz: outputGradient, Dx: inputGradient), static (in s, worker, start, end) =>
        {
            ConvGeometry g = s.Op._geometry;
            int groups = s.Op.Groups, outChannels = s.Op.GroupOutChannels, plane = g.OutputPlane;
            int weights = outChannels * g.PatchLength, outputs = outChannels * plane;
            Span<float> columns = s.Op._columns[worker], product = s.Op._products[worker];
            for (int n = start, count; n < end; n += count)
            {
                count = Math.Min(ImagesPerProduct(plane, s.Op._imagesPerWorker), end - n);
                int width = count * plane;
                for (int k = 0; k < groups; k++)   // ∂L/∂x_k = col2im(W_kᵀ · ∂L/∂Z_k)
                {
                    ReadOnlySpan<float> dz = count == 1 ? s.Dz.Span.Slice((n * groups + k) * outputs, outputs)
                        : Batch(s.Dz.Span, product, n, count, k, groups, outChannels, plane);
                    // dX[CKK, count·P] = Wᵀ[CKK,O]·dZ[O, count·P]   (folded back onto each image below)
                    Gemm.Multiply(true, false, g.PatchLength, width, outChannels, 1f,
                        s.Op.Parameter.Value.Span.Slice(k * weights, weights), g.PatchLength, dz, width, 0f, columns, width);
                    for (int i = 0; i < count; i++)
                    {
                        Span<float> image = s.Dx.Span.Slice(((n + i) * groups + k) * g.ImageLength, g.ImageLength);
                        image.Clear();
                        Im2Col.Fold(columns[(i * plane)..], g, image, width);
                    }
                }
            }
        });
        return inputGradient;
    }

    // The geometry of ∂L/∂x = ∂L/∂Z ⋆ turned filters: input [O, OH, OW], output [C, H, W], padding 2 − p before and what
    // makes the sizes match after; null when a padding would be negative (more than 2 on a side), which im2col handles.
    private ConvGeometry? TransposedGeometry(in ConvGeometry g)
    {
        int top = 2 - g.PadTop, left = 2 - g.PadLeft, bottom = g.Height - g.OutputHeight + g.PadTop, right = g.Width - g.OutputWidth + g.PadLeft;
        if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
        return new ConvGeometry(OutChannels, g.OutputHeight, g.OutputWidth, 3, 3, 1, 1, top, left, bottom, right);
    }

    // turned[c, o, u, v] = w[o, c, 2 − u, 2 − v]: the filters of the transposed convolution.
    private void TurnFilters()
    {
        Tensor w = Parameter.Value;
        int outChannels = w.Dim(0), inChannels = w.Dim(1);
        if (_turnedFilters is null || _turnedFilters.Length != w.Length) _turnedFilters = new Tensor(inChannels, outChannels, 3, 3);
        ReadOnlySpan<float> source = w.Span;
        Span<float> turned = _turnedFilters.Span;
        for (int c = 0; c < inChannels; c++)   // in the order of the writes: strided reads cost less than strided writes
            for (int o = 0; o < outChannels; o++)
                for (int k = 0; k < 9; k++) turned[(c * outChannels + o) * 9 + 8 - k] = source[(o * inChannels + c) * 9 + k];
    }

    // Image i's group-k output [O, P] is columns [i·P, (i+1)·P) of the side-by-side product [O, count·P]: copied out to NCHW.
    private static void Unbatch(ReadOnlySpan<float> product, Span<float> z, int first, int count, int k, int groups, int outChannels, int plane)
    {
        int width = count * plane, outputs = outChannels * plane;
        for (int i = 0; i < count; i++)
        {
            Span<float> image = z.Slice(((first + i) * groups + k) * outputs, outputs);
            for (int o = 0; o < outChannels; o++) product.Slice(o * width + i * plane, plane).CopyTo(image.Slice(o * plane, plane));
        }
    }

    // The converse: the images' group-k gradients [O, P] side by side as [O, count·P].
    private static ReadOnlySpan<float> Batch(ReadOnlySpan<float> dz, Span<float> product, int first, int count, int k, int groups, int outChannels, int plane)
    {
        int width = count * plane, outputs = outChannels * plane;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> image = dz.Slice(((first + i) * groups + k) * outputs, outputs);
            for (int o = 0; o < outChannels; o++) image.Slice(o * plane, plane).CopyTo(product.Slice(o * width + i * plane, plane));
        }
        return product[..(outChannels * width)];
    }

    // Per worker of a batch of `images`: an im2col buffer and a product buffer for the images it takes at once, and a
    // weight-gradient accumulator; grown when needed, sized by the workers used, so a high thread count on small
    // batches costs no memory.
    private void EnsureScratch(in ConvGeometry g, int images)
    {
        int workers = Compute.WorkersFor(images), weights = Parameter.Value.Length;
        _imagesPerWorker = (images + workers - 1) / workers;
        int together = ImagesPerProduct(g.OutputPlane, _imagesPerWorker);
        int columns = g.PatchLength * g.OutputPlane * together, products = together > 1 ? GroupOutChannels * g.OutputPlane * together : 0;
        if (_columns.Length < workers || _columns[0].Length < columns || _products[0].Length < products)
        {
            _columns = new float[workers][];
            _products = new float[workers][];
            for (int w = 0; w < workers; w++)
            {
                _columns[w] = new float[columns];
                _products[w] = new float[products];
            }
        }
        if (_weightGradients.Length < workers || _weightGradients[0].Length < weights)
        {
            _weightGradients = new float[workers][];
            for (int w = 0; w < workers; w++) _weightGradients[w] = new float[weights];
        }
    }
}
