using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Kernels;

/// <summary>
/// The forward pass of a stride-1 convolution with few input channels (a grayscale or colour image's first layer),
/// computed directly: no im2col matrix, eight output channels by eight output columns at a time in registers.
/// </summary>
/// <remarks>
/// <para>
/// With one to four input channels im2col's matrix product is short (seed-cnn's 1→16, 5×5: 25 terms per sum) and
/// the im2col copy costs as much as the product. Here each image's channels are first copied into zero-padded planes
/// (so that every load is plain, without bounds checks), then for each block of eight output channels, each output
/// row and each sixteen output columns, sixteen accumulators — two vectors of eight columns per output channel — take
/// two fused multiply-adds per input value and weight: z[o, i, j…j+15] += w[o, c, u, v] · x_padded[c, i + u, j + v …].
/// </para>
/// <para>
/// The weights are repacked once per change as [O/8 blocks, C·KH·KW, 8] (the last block padded with zero filters), so
/// the eight weights a step needs are adjacent. Each output is the sum over (c, u, v) in that order, whichever thread
/// computes it: the result does not depend on the thread count. im2col's product sums the same terms in the same order,
/// one fused multiply-add after another, so the two give the same bits (tested).
/// </para>
/// </remarks>
internal sealed class DirectConvolution
{
    /// <summary>The most input channels this kernel takes; more make im2col's products long enough to run well.</summary>
    public const int MaxChannels = 4;

    private const int Lanes = 8, Columns = 2 * Lanes;   // output channels per block; output columns per step
    private float[] _weightsSeen = [], _packed = [];
    private float[][] _padded = [];

    /// <summary>Whether this machine has what the kernel needs (AVX2 and FMA).</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>z = w ∗ x for <paramref name="input"/> [N, C, H, W] and <paramref name="weights"/> [O, C, KH, KW], stride 1.</summary>
    /// <remarks><paramref name="epilogue"/>, when given, runs on each image's output once it is written.</remarks>
    public void Forward(Tensor weights, Tensor input, Tensor output, ConvGeometry g, ComputeContext compute, IImageEpilogue? epilogue = null)
    {
        if (g.StrideHeight != 1 || g.StrideWidth != 1 || g.Channels > MaxChannels)
            throw new ArgumentException("The direct convolution takes stride 1 and at most four input channels.");
        int outChannels = weights.Dim(0), batch = input.Dim(0);
        PackWeightsIfChanged(weights.Span, outChannels, g.PatchLength);
        int planeLength = PlaneLength(g);
        if (_padded.Length < compute.WorkersFor(batch) || _padded[0].Length < g.Channels * planeLength)
        {
            _padded = new float[compute.WorkersFor(batch)][];
            for (int w = 0; w < _padded.Length; w++) _padded[w] = new float[g.Channels * planeLength];
        }
        compute.For(batch, (Op: this, X: input, Z: output, G: g, Out: outChannels, Epilogue: epilogue), static (in s, worker, start, end) =>
        {
            int outputs = s.Out * s.G.OutputPlane;
            for (int n = start; n < end; n++)
            {
                Span<float> image = s.Z.Span.Slice(n * outputs, outputs);
                s.Op.ForwardImage(s.X.Span.Slice(n * s.G.ImageLength, s.G.ImageLength), s.G, s.Out, s.Op._padded[worker], image);
                s.Epilogue?.Apply(image);
            }
        });
    }

    // A padded plane: the rows the windows reach, and columns for whole pairs of eight-column groups plus the kernel's width.
    private static (int Height, int Width) PlaneSize(in ConvGeometry g) =>
        (g.OutputHeight + g.KernelHeight - 1, (g.OutputWidth + Columns - 1) / Columns * Columns + g.KernelWidth - 1);

    private static int PlaneLength(in ConvGeometry g)
    {
        var (height, width) = PlaneSize(g);
        return checked(height * width);
    }

    private void PackWeightsIfChanged(ReadOnlySpan<float> weights, int outChannels, int patch)
    {
        int blocks = (outChannels + Lanes - 1) / Lanes;
        if (_packed.Length == blocks * patch * Lanes && weights.SequenceEqual(_weightsSeen)) return;
        if (_packed.Length != blocks * patch * Lanes) _packed = new float[blocks * patch * Lanes];   // zero filters fill the last block
        if (_weightsSeen.Length != weights.Length) _weightsSeen = new float[weights.Length];
        for (int o = 0; o < outChannels; o++)
            for (int t = 0; t < patch; t++)
                _packed[((o / Lanes) * patch + t) * Lanes + o % Lanes] = weights[o * patch + t];
        weights.CopyTo(_weightsSeen);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ForwardImage(ReadOnlySpan<float> x, in ConvGeometry g, int outChannels, Span<float> padded, Span<float> z)
    {
        var (height, width) = PlaneSize(g);
        int plane = height * width, oh = g.OutputHeight, ow = g.OutputWidth, patch = g.PatchLength;
        padded[..(g.Channels * plane)].Clear();
        for (int c = 0; c < g.Channels; c++)
            for (int y = 0; y < g.Height; y++)
                x.Slice((c * g.Height + y) * g.Width, g.Width).CopyTo(padded.Slice(c * plane + (y + g.PadTop) * width + g.PadLeft, g.Width));
        fixed (float* p = padded, packed = _packed, output = z)
        {
            for (int block = 0; block * Lanes < outChannels; block++)
            {
                int channels = Math.Min(Lanes, outChannels - block * Lanes);
                float* weights = packed + (nint)block * patch * Lanes;
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j += Columns)
                    {
                        Accumulate(p, plane, width, g.Channels, g.KernelHeight, g.KernelWidth, weights, i, j, out var sums0, out var sums1);
                        float* first = output + (nint)block * Lanes * oh * ow + (nint)i * ow + j;
                        // Below the last row, a store past the row's end runs into the next row, which is written
                        // afterwards; only the last row's partial stores need a mask (slow on some processors).
                        int left = i + 1 < oh ? Lanes : ow - j, right = i + 1 < oh ? Lanes : ow - j - Lanes;
                        for (int k = 0; k < channels; k++)
                        {
                            Store(first + (nint)k * oh * ow, sums0[k], left);
                            if (j + Lanes < ow) Store(first + (nint)k * oh * ow + Lanes, sums1[k], right);
                        }
                    }
            }
        }
    }

    // The first `count` lanes of `value` (all eight when count ≥ 8).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* destination, Vector256<float> value, int count)
    {
        if (count >= Lanes) Avx.Store(destination, value);
        else Avx.MaskStore(destination, Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle(), value);
    }

    // The eight output channels' sums at row i, columns j … j + 15 (two vectors each): two loads per input position,
    // each of the eight weights broadcast once for two FMAs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Accumulate(float* p, int plane, int width, int channels, int kh, int kw, float* weights, int i, int j, out Sums left, out Sums right)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        float* w = weights;
        for (int c = 0; c < channels; c++)
            for (int u = 0; u < kh; u++)
            {
                float* row = p + (nint)c * plane + (nint)(i + u) * width + j;
                for (int v = 0; v < kw; v++, w += Lanes)
                {
                    Vector256<float> x0 = Avx.LoadVector256(row + v), x1 = Avx.LoadVector256(row + v + Lanes), weight;
                    weight = Vector256.Create(w[0]); a0 = Fma.MultiplyAdd(weight, x0, a0); b0 = Fma.MultiplyAdd(weight, x1, b0);
                    weight = Vector256.Create(w[1]); a1 = Fma.MultiplyAdd(weight, x0, a1); b1 = Fma.MultiplyAdd(weight, x1, b1);
                    weight = Vector256.Create(w[2]); a2 = Fma.MultiplyAdd(weight, x0, a2); b2 = Fma.MultiplyAdd(weight, x1, b2);
                    weight = Vector256.Create(w[3]); a3 = Fma.MultiplyAdd(weight, x0, a3); b3 = Fma.MultiplyAdd(weight, x1, b3);
                    weight = Vector256.Create(w[4]); a4 = Fma.MultiplyAdd(weight, x0, a4); b4 = Fma.MultiplyAdd(weight, x1, b4);
                    weight = Vector256.Create(w[5]); a5 = Fma.MultiplyAdd(weight, x0, a5); b5 = Fma.MultiplyAdd(weight, x1, b5);
                    weight = Vector256.Create(w[6]); a6 = Fma.MultiplyAdd(weight, x0, a6); b6 = Fma.MultiplyAdd(weight, x1, b6);
                    weight = Vector256.Create(w[7]); a7 = Fma.MultiplyAdd(weight, x0, a7); b7 = Fma.MultiplyAdd(weight, x1, b7);
                }
            }
        left = new Sums(a0, a1, a2, a3, a4, a5, a6, a7);
        right = new Sums(b0, b1, b2, b3, b4, b5, b6, b7);
    }

    // Eight vectors addressable by index, for the stores.
    [InlineArray(Lanes)]
    private struct Sums
    {
        private Vector256<float> _element;

        public Sums(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
            Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
        {
            this[0] = s0; this[1] = s1; this[2] = s2; this[3] = s3; this[4] = s4; this[5] = s5; this[6] = s6; this[7] = s7;
        }
    }
}
