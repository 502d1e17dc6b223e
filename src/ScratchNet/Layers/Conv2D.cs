using ScratchNet.Kernels;
using ScratchNet.Operations;
using ScratchNet.Operations.Activations;

namespace ScratchNet.Layers;

/// <summary>
/// A 2-D convolution layer: NCHW input [N, C, H, W] → [N, outChannels, OH, OW], weights OIHW
/// [outChannels, C, KH, KW], then an optional per-channel bias, the activation and optionally a flatten
/// (the seed notebook's <c>flatten=True</c>). With <c>groups</c> G the weight is [outChannels, C/G, KH, KW] and each
/// group of C/G input channels has its own outChannels/G filters; G = C is a depthwise convolution (MobileNet).
/// </summary>
public sealed class Conv2D : Layer
{
    /// <summary>The activation operation (linear when none was given).</summary>
    public Operation Activation { get; }

    /// <summary>Creates a convolution layer.</summary>
    /// <param name="outChannels">Number of filters (output channels); positive.</param>
    /// <param name="kernelSize">Kernel height (and width, unless <paramref name="kernelWidth"/> is given); positive.</param>
    /// <param name="stride">Vertical stride (and horizontal, unless <paramref name="strideWidth"/> is given); positive.</param>
    /// <param name="padding">Border handling; "same" when null, as in the notebook.</param>
    /// <param name="bias">Whether to add one learnable bias per output channel.</param>
    /// <param name="activation">The activation (a new instance per layer, as it caches its input); linear when null.</param>
    /// <param name="flatten">Whether to flatten the output to [N, outChannels·OH·OW].</param>
    /// <param name="kernelWidth">Kernel width when it differs from the height.</param>
    /// <param name="strideWidth">Horizontal stride when it differs from the vertical one.</param>
    /// <param name="groups">Channel groups; positive, dividing <paramref name="outChannels"/> and the input channels (1: ordinary).</param>
    public Conv2D(int outChannels, int kernelSize, int stride = 1, Padding? padding = null, bool bias = true,
        Operation? activation = null, bool flatten = false, int? kernelWidth = null, int? strideWidth = null, int groups = 1)
    {
        Require(outChannels, nameof(outChannels));
        Require(kernelSize, nameof(kernelSize));
        Require(stride, nameof(stride));
        Require(kernelWidth ?? 1, nameof(kernelWidth));
        Require(strideWidth ?? 1, nameof(strideWidth));
        Require(groups, nameof(groups));
        if (outChannels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2D: {outChannels} output channels do not split into {groups} groups.");
        Groups = groups;
        OutChannels = outChannels;
        KernelHeight = kernelSize;
        KernelWidth = kernelWidth ?? kernelSize;
        StrideHeight = stride;
        StrideWidth = strideWidth ?? stride;
        Padding = padding ?? Padding.Same;
        HasBias = bias;
        Flattens = flatten;
        Activation = activation ?? new Linear();
    }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }

    /// <summary>Border handling.</summary>
    public Padding Padding { get; }

    /// <summary>Whether a per-channel bias is added.</summary>
    public bool HasBias { get; }

    /// <summary>Whether the output is flattened.</summary>
    public bool Flattens { get; }

    /// <summary>Channel groups (1 for an ordinary convolution; the input channels for a depthwise one).</summary>
    public int Groups { get; }

    /// <inheritdoc />
    protected override IEnumerable<Operation> CreateOperations(ReadOnlySpan<int> sampleShape, Random random)
    {
        int inChannels = GroupChannels(sampleShape);   // what each filter sees
        var weight = new Parameter("weight", new Tensor(OutChannels, inChannels, KernelHeight, KernelWidth));
        int area = checked(KernelHeight * KernelWidth);
        WeightInitializer.Fill(weight.Value.Span, WeightInit, checked(inChannels * area), checked(OutChannels / Groups * area), random);
        var convolution = new Conv2DOperation(weight, StrideHeight, StrideWidth, Padding, Groups);
        convolution.GeometryFor([1, .. sampleShape]); // fail now, with the layer's message, if the kernel does not fit
        var operations = new List<Operation> { convolution };
        if (HasBias) operations.AddRange(BiasAndActivation.Create(new Parameter("bias", new Tensor(OutChannels)), Activation));
        else operations.Add(Activation);
        if (Flattens) operations.Add(new FlattenOperation());
        return operations;
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, int[] Shape)> StateShapes(ReadOnlySpan<int> sampleShape)
    {
        int[] weight = [OutChannels, GroupChannels(sampleShape), KernelHeight, KernelWidth];
        return HasBias ? [("weight", weight), ("bias", [OutChannels])] : [("weight", weight)];
    }

    /// <inheritdoc />
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        GroupChannels(inputShape.AsSpan(1));
        int h = inputShape[2], w = inputShape[3];
        var (top, bottom) = Padding.Resolve(h, KernelHeight, StrideHeight, vertical: true);
        var (left, right) = Padding.Resolve(w, KernelWidth, StrideWidth, vertical: false);
        var g = new ConvGeometry(inputShape[1], h, w, KernelHeight, KernelWidth, StrideHeight, StrideWidth, top, left, bottom, right).CheckSizes(Name);
        int oh = g.OutputHeight, ow = g.OutputWidth;
        return Flattens ? [inputShape[0], checked(OutChannels * oh * ow)] : [inputShape[0], OutChannels, oh, ow];
    }

    private int GroupChannels(ReadOnlySpan<int> sampleShape)
    {
        int channels = InputChannels(sampleShape);
        return channels % Groups == 0 ? channels / Groups
            : throw new ShapeMismatchException($"Conv2D: {channels} input channels do not split into {Groups} groups.");
    }

    private static int InputChannels(ReadOnlySpan<int> sampleShape) => sampleShape.Length == 3 ? sampleShape[0]
        : throw new ShapeMismatchException(
            $"Conv2D: expected NCHW input [batch, channels, height, width], but got [batch, {string.Join(", ", sampleShape.ToArray())}].");

    private static void Require(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"Conv2D: {name} must be a positive number, got {value}.");
    }
}
