using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Kernels;

/// <summary>
/// A 3×3, stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, 2015): each 2×2 block of
/// outputs comes from a 4×4 input tile with 16 multiplications per channel pair instead of 36, so the matrix products
/// that do the work have 2.25 times fewer multiply-adds than im2col's.
/// </summary>
/// <remarks>
/// <para>
/// With d a 4×4 input tile and g a 3×3 filter, the 2×2 output is Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, where
/// Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Aᵀ = [1 1 1 0; 0 1 −1 −1].
/// Summed over input channels, the 16 positions ξ of the 4×4 transformed tiles are 16 independent matrix products:
/// M_ξ[O, T] = U_ξ[O, C] · V_ξ[C, T], with U = G g Gᵀ per filter, V = Bᵀ d B per tile (T tiles side by side, from
/// one image or several), and the outputs are Aᵀ M A. Tile (i, j) covers outputs rows 2i, 2i+1 and columns 2j, 2j+1;
/// its input is rows 2i … 2i+3 and columns 2j … 2j+3 of the zero-padded image, so a copy of each channel with its
/// padding (and a margin of zeros) makes every tile's loads plain, without bounds checks.
/// </para>
/// <para>
/// The transforms are additions only (½ is exact), eight tiles at a time: the even and odd columns of an input row are
/// split into vectors with AVX2 permutes, and the outputs are interleaved back; the last group of a tile row, when it
/// has fewer than eight tiles, reads and writes through masks. Each output is a sum over the same
/// terms as the direct convolution, in another order and through the transforms, so it differs from im2col's by
/// rounding (a relative 1e-6 on typical values; the tests compare both with a double-precision reference). Every
/// tile is computed the same way whatever else is in its product, so results do not depend on the thread count.
/// </para>
/// </remarks>
public static partial class Winograd3x3
{
    /// <summary>Transformed tile positions.</summary>
    public const int Positions = 16;

    /// <summary>Whether this machine has what the vector transforms need.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Tiles per image: ⌈OH/2⌉ · ⌈OW/2⌉.</summary>
    public static (int Rows, int Columns) Tiles(in ConvGeometry g) => ((g.OutputHeight + 1) / 2, (g.OutputWidth + 1) / 2);

    /// <summary>
    /// How many images share one group of 16 products: enough for about 576 tiles (products of 32 to 128 terms per sum
    /// run faster wide: 32×32 channels gave 68 GFLOP/s with one 28×28 image's 196 tiles and 82 with three images'
    /// 588), but no more than keep the group's V and M (16·(C + O) floats per tile) within a core's second-level cache
    /// (1 MiB on the machine measured): 36 images of 7×7 with 128 channels in and out made 9.4 MB, and the layer ran 15–20 %
    /// slower than with four. At least one image, at most <paramref name="available"/>.
    /// </summary>
    internal static int ImagesPerGroup(int tiles, int inChannels, int outChannels, int available)
    {
        const int MostColumns = 576, CacheBytes = 1 << 20;
        long columns = Math.Clamp(CacheBytes / (Positions * sizeof(float) * ((long)inChannels + outChannels)), 1, MostColumns);
        return (int)Math.Clamp((columns + tiles - 1) / tiles, 1, Math.Max(1, available));
    }

    /// <summary>Length of the padded-channel scratch one image needs (<see cref="TransformInput"/>).</summary>
    public static int PaddedLength(in ConvGeometry g)
    {
        var (height, width) = PaddedSize(g);
        return checked(height * width);
    }

    // Rows: 2·tileRows + 2. Columns: the tiles rounded up to groups of eight, whose loads reach 2·8k + 2 + 16.
    private static (int Height, int Width) PaddedSize(in ConvGeometry g)
    {
        var (rows, columns) = Tiles(g);
        return (2 * rows + 2, 2 * ((columns + 7) / 8 * 8) + 24);
    }

    /// <summary>U_ξ = (G g Gᵀ)_ξ for every filter: <paramref name="weights"/> [O, C, 3, 3] → <paramref name="u"/> [16, O, C].</summary>
    /// <remarks>
    /// Every forward pass in training transforms new weights. The 16 rows of U lie O·C floats apart, a multiple of 4 KiB
    /// for power-of-two channel counts, which land on one set of the first-level cache: filters go through a block of
    /// sixteen at a time, so each row of U gets whole cache lines (0.7 → 0.2 ms for 128×128 channels).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformWeights(ReadOnlySpan<float> weights, int outChannels, int inChannels, Span<float> u)
    {
        const int Block = 16;
        int pairs = outChannels * inChannels;
        if (weights.Length < 9 * pairs || u.Length < Positions * pairs)
            throw new ArgumentException("Winograd weight transform: a buffer is too small.");
        float* block = stackalloc float[Positions * Block];
        fixed (float* source = weights, dst = u)
        {
            for (int p0 = 0; p0 < pairs; p0 += Block)
            {
                int count = Math.Min(Block, pairs - p0);
                for (int q = 0; q < count; q++) TransformFilter(source + (nint)(p0 + q) * 9, block + q, Block);
                for (int xi = 0; xi < Positions; xi++)
                    new ReadOnlySpan<float>(block + xi * Block, count).CopyTo(new Span<float>(dst + (nint)xi * pairs + p0, count));
            }
        }
    }

    // G g Gᵀ for one filter w (3×3): position ξ to u[ξ·stride].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TransformFilter(float* w, float* u, nint stride)
    {
        // t = G·g (4×3): rows 0 and 3 are g's first and last rows, rows 1 and 2 half the sum and the alternating sum.
        float g00 = w[0], g01 = w[1], g02 = w[2], g10 = w[3], g11 = w[4], g12 = w[5], g20 = w[6], g21 = w[7], g22 = w[8];
        float t10 = 0.5f * (g00 + g10 + g20), t11 = 0.5f * (g01 + g11 + g21), t12 = 0.5f * (g02 + g12 + g22);
        float t20 = 0.5f * (g00 - g10 + g20), t21 = 0.5f * (g01 - g11 + g21), t22 = 0.5f * (g02 - g12 + g22);
        // U = t·Gᵀ (4×4), row by row of t: (a, ½(a + b + c), ½(a − b + c), c).
        FilterRow(u, stride, 0, g00, g01, g02);
        FilterRow(u, stride, 4, t10, t11, t12);
        FilterRow(u, stride, 8, t20, t21, t22);
        FilterRow(u, stride, 12, g20, g21, g22);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FilterRow(float* u, nint stride, int first, float a, float b, float c)
    {
        u[first * stride] = a;
        u[(first + 1) * stride] = 0.5f * (a + b + c);
        u[(first + 2) * stride] = 0.5f * (a - b + c);
        u[(first + 3) * stride] = c;
    }

    /// <summary>
    /// V_ξ = (Bᵀ d B)_ξ for every tile d of <paramref name="count"/> images [count, C, H, W]: written to
    /// <paramref name="v"/> [16, C, <paramref name="ldv"/>], image i's tile (r, j) at column i·tiles + r·tileColumns + j.
    /// Up to seven columns after the last tile may be overwritten (never past <paramref name="ldv"/>).
    /// </summary>
    /// <remarks>
    /// Channel by channel, and within a channel image by image, so the stores into each row of V advance in order
    /// (V is larger than the caches: 16 rows per channel written out of order cost a third of a 7×7 layer's time).
    /// Outputs 7 or 8 wide have four tiles per row, half a vector: two tile rows then share one (<see cref="Paired"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformInput(ReadOnlySpan<float> images, int count, in ConvGeometry g, Span<float> padded, Span<float> v, int ldv)
    {
        var (tileRows, tileColumns) = Tiles(g);
        var (height, width) = PaddedSize(g);
        int channels = g.Channels, tiles = tileRows * tileColumns;
        if (padded.Length < height * width || images.Length < (long)count * g.ImageLength || (long)count * tiles > ldv
            || v.Length < (Positions * channels - 1) * (long)ldv + count * tiles)
            throw new ArgumentException("Winograd input transform: a buffer is too small for the geometry.");
        bool paired = Paired(tileColumns);
        fixed (float* source = images, p = padded, dst = v)
        {
            new Span<float>(p, height * width).Clear();   // the margins stay zero: every channel overwrites the same interior
            nint stride = (nint)channels * ldv;
            for (int c = 0; c < channels; c++)
            {
                for (int n = 0; n < count; n++)
                {
                    CopyIntoPadding(source + ((nint)n * channels + c) * g.Height * g.Width, g.Height, g.Width, p + (nint)g.PadTop * width + g.PadLeft, width);
                    float* row = dst + (nint)c * ldv;
                    int i = 0;
                    if (paired)   // tile rows i and i + 1: columns n·tiles + 4i … + 7, all this image's
                        for (; i + 1 < tileRows; i += 2)
                            TransformEight<Full>(p + (nint)2 * i * width, width, 2 * width, row + n * tiles + 4 * i, stride, default);
                    for (; i < tileRows; i++)
                    {
                        float* rows = p + (nint)2 * i * width;
                        for (int j = 0; j < tileColumns; j += 8)
                        {
                            int column = n * tiles + i * tileColumns + j;
                            // The last group of a tile row may have fewer than eight tiles. Its whole stores overwrite the
                            // next tiles' columns, which are written afterwards, so only a group that would reach past the
                            // row of V goes through masked stores (slow on some processors).
                            if (column + 8 <= ldv) TransformEight<Full>(rows + 2 * j, width, 8, row + column, stride, default);
                            else TransformEight<ThroughMask>(rows + 2 * j, width, 8, row + column, stride, FirstLanes(tileColumns - j));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Whether two tile rows of four tiles share each eight-tile vector (outputs 7 or 8 wide).</summary>
    private static bool Paired(int tileColumns) => tileColumns == 4;

    // A plane of rows × columns into a padded plane `width` wide at `target`, eight values at a time: a row's last,
    // partial vector is loaded through a mask and stored whole, with zeros past the row, where the padding is zeros
    // anyway (the callers' padded rows have room for them). Nothing else is written, so the margins stay zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyIntoPadding(float* plane, int rows, int columns, float* target, int width)
    {
        var lastMask = FirstLanes(columns - (columns - 1) / 8 * 8);
        for (int y = 0; y < rows; y++, plane += columns, target += width)
        {
            int x = 0;
            for (; x + 8 < columns; x += 8) Avx.Store(target + x, Avx.LoadVector256(plane + x));
            Avx.Store(target + x, Avx.MaskLoad(plane + x, lastMask));
        }
    }

    // Eight tiles whose top-left input is at `input`: the 16 transformed values of each, position ξ at dst + ξ·stride + t.
    // Tiles 4 … 7 start `high` floats after tiles 0 … 3: 8 when all eight are side by side in one tile row, two input
    // rows' worth when they are the next tile row's first four.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TransformEight<TStore>(float* input, int width, nint high, float* dst, nint stride, Vector256<float> mask)
        where TStore : struct, IStoreKind
    {
        // Row transform of each of the 4 input rows: (d0 − d2, d1 + d2, d2 − d1, d1 − d3) with d_k = x[2j + k].
        Row(input, high, out var r00, out var r01, out var r02, out var r03);
        Row(input + width, high, out var r10, out var r11, out var r12, out var r13);
        Row(input + 2 * width, high, out var r20, out var r21, out var r22, out var r23);
        Row(input + 3 * width, high, out var r30, out var r31, out var r32, out var r33);
        // Column transform: the same combination of the rows; position ξ = 4·row + column.
        Store<TStore>(dst, stride, mask, 0, r00 - r20, r01 - r21, r02 - r22, r03 - r23);
        Store<TStore>(dst, stride, mask, 4, r10 + r20, r11 + r21, r12 + r22, r13 + r23);
        Store<TStore>(dst, stride, mask, 8, r20 - r10, r21 - r11, r22 - r12, r23 - r13);
        Store<TStore>(dst, stride, mask, 12, r10 - r30, r11 - r31, r12 - r32, r13 - r33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Row(float* x, nint high, out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3)
    {
        var (even, odd) = Deinterleave(x, high);          // x[2j], x[2j+1]
        var (even2, odd2) = Deinterleave(x + 2, high);    // x[2j+2], x[2j+3]
        t0 = even - even2;
        t1 = odd + even2;
        t2 = even2 - odd;
        t3 = odd - odd2;
    }

    // (x[0], x[2], x[4], x[6], y[0], y[2], y[4], y[6]) and the odd ones, with y = x + offset: x[0 … 15] when it is 8.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* x, nint offset)
    {
        var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var low = Avx2.PermuteVar8x32(Avx.LoadVector256(x), order);           // x0 x2 x4 x6 | x1 x3 x5 x7
        var high = Avx2.PermuteVar8x32(Avx.LoadVector256(x + offset), order);   // y0 y2 y4 y6 | y1 y3 y5 y7
        return (Avx.Permute2x128(low, high, 0x20), Avx.Permute2x128(low, high, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store<TStore>(float* dst, nint stride, Vector256<float> mask, int first, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        where TStore : struct, IStoreKind
    {
        Store<TStore>(dst + first * stride, mask, a);
        Store<TStore>(dst + (first + 1) * stride, mask, b);
        Store<TStore>(dst + (first + 2) * stride, mask, c);
        Store<TStore>(dst + (first + 3) * stride, mask, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store<TStore>(float* dst, Vector256<float> mask, Vector256<float> value) where TStore : struct, IStoreKind
    {
        if (TStore.Masked) Avx.MaskStore(dst, mask, value);
        else Avx.Store(dst, value);
    }

    // Whether stores go through the mask: a JIT-time constant for each instantiation, so neither keeps the other's branch.
    private interface IStoreKind
    {
        static abstract bool Masked { get; }
    }

    private struct Full : IStoreKind
    {
        public static bool Masked => false;
    }

    private struct ThroughMask : IStoreKind
    {
        public static bool Masked => true;
    }

    // Lanes 0 … count − 1 set (count ≥ 8: all of them).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FirstLanes(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    /// <summary>
    /// Y = Aᵀ M A for every tile of one image: <paramref name="m"/> [16, O, <paramref name="ldm"/>] at columns
    /// <paramref name="firstColumn"/> … (as in <see cref="TransformInput"/>) → <paramref name="output"/> [O, OH, OW].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformOutput(ReadOnlySpan<float> m, int outChannels, int ldm, int firstColumn, in ConvGeometry g, Span<float> output)
    {
        var (tileRows, tileColumns) = Tiles(g);
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow;
        if (output.Length < outChannels * plane || firstColumn + tileRows * tileColumns > ldm || m.Length < (Positions * outChannels - 1) * ldm + firstColumn + tileRows * tileColumns)
            throw new ArgumentException("Winograd output transform: a buffer is too small for the geometry.");
        float* lines = stackalloc float[32];
        fixed (float* src = m, dst = output)
        {
            nint stride = (nint)outChannels * ldm;
            float* end = dst + (nint)outChannels * plane;
            bool paired = Paired(tileColumns);
            for (int o = 0; o < outChannels; o++)
            {
                float* z = dst + (nint)o * plane;
                int i = 0;
                if (paired)   // tile rows i and i + 1 in one vector (as TransformInput wrote them): four output rows
                    for (; i + 1 < tileRows; i += 2)
                    {
                        OutputEight(src + (nint)o * ldm + firstColumn + 4 * i, stride, FirstLanes(8), out var top, out var topRight, out var bottom, out var bottomRight);
                        Interleave(top, topRight, lines);             // rows 2i (lines 0 … 7) and 2i + 2 (8 … 15)
                        Interleave(bottom, bottomRight, lines + 16);  // rows 2i + 1 (16 … 23) and 2i + 3 (24 … 31)
                        // Rows in order: a row's whole store runs into the next row, which is written after it.
                        for (int r = 0; r < 4 && 2 * i + r < oh; r++)
                        {
                            float* line = z + (nint)(2 * i + r) * ow;
                            Copy(lines + r % 2 * 16 + r / 2 * 8, line, line + 8 <= end ? 8 : ow);
                        }
                    }
                for (; i < tileRows; i++)
                {
                    // Right to left: the last group's whole stores run into the next output lines, which the groups
                    // after it write again; only stores that would leave the output are masked.
                    for (int j = (tileColumns - 1) / 8 * 8; j >= 0; j -= 8)
                    {
                        float* tiles = src + (nint)o * ldm + firstColumn + i * tileColumns + j;
                        int count = Math.Min(8, tileColumns - j);
                        // The last group of a row may have fewer than eight tiles: its loads are masked to them.
                        OutputEight(tiles, stride, FirstLanes(count), out var top, out var topRight, out var bottom, out var bottomRight);
                        // Interleave: row 2i is y00[0] y01[0] y00[1] y01[1] …, row 2i+1 the same from the bottom pair.
                        Interleave(top, topRight, lines);
                        Interleave(bottom, bottomRight, lines + 16);
                        int x0 = 2 * j, columns = Math.Min(16, ow - x0);
                        float* top2 = z + (nint)(2 * i) * ow + x0, bottom2 = top2 + ow;
                        Copy(lines, top2, top2 + 16 <= end ? 16 : columns);
                        if (2 * i + 1 < oh) Copy(lines + 16, bottom2, bottom2 + 16 <= end ? 16 : columns);
                    }
                }
            }
        }
    }

    // Y = Aᵀ M A for eight tiles, M's position ξ at m + ξ·stride: the four outputs of each tile as four vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void OutputEight(float* m, nint stride, Vector256<float> mask, out Vector256<float> y00, out Vector256<float> y01, out Vector256<float> y10, out Vector256<float> y11)
    {
        // Rows: a0 = m0 + m1 + m2, a1 = m1 − m2 − m3 (m_k = row k of the 4×4), column by column.
        Vector256<float> a00, a01, a02, a03, a10, a11, a12, a13;
        Combine(m, stride, mask, 0, out a00, out a10);
        Combine(m, stride, mask, 1, out a01, out a11);
        Combine(m, stride, mask, 2, out a02, out a12);
        Combine(m, stride, mask, 3, out a03, out a13);
        // Columns: y_r0 = a_r0 + a_r1 + a_r2, y_r1 = a_r1 − a_r2 − a_r3.
        y00 = a00 + a01 + a02;
        y01 = a01 - a02 - a03;
        y10 = a10 + a11 + a12;
        y11 = a11 - a12 - a13;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Combine(float* m, nint stride, Vector256<float> mask, int column, out Vector256<float> first, out Vector256<float> second)
    {
        var m0 = Avx.MaskLoad(m + column * stride, mask);
        var m1 = Avx.MaskLoad(m + (4 + column) * stride, mask);
        var m2 = Avx.MaskLoad(m + (8 + column) * stride, mask);
        var m3 = Avx.MaskLoad(m + (12 + column) * stride, mask);
        first = m0 + m1 + m2;
        second = m1 - m2 - m3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Interleave(Vector256<float> a, Vector256<float> b, float* dst)
    {
        var low = Avx.UnpackLow(a, b);    // a0 b0 a1 b1 | a4 b4 a5 b5
        var high = Avx.UnpackHigh(a, b);  // a2 b2 a3 b3 | a6 b6 a7 b7
        Avx.Store(dst, Avx.Permute2x128(low, high, 0x20));
        Avx.Store(dst + 8, Avx.Permute2x128(low, high, 0x31));
    }

    // The first `count` (at most 16) values of source; exactly 8 or 16 are stored whole.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Copy(float* source, float* destination, int count)
    {
        if (count == 16)
        {
            Avx.Store(destination, Avx.LoadVector256(source));
            Avx.Store(destination + 8, Avx.LoadVector256(source + 8));
        }
        else if (count == 8)
        {
            Avx.Store(destination, Avx.LoadVector256(source));
        }
        else
        {
            Avx.MaskStore(destination, FirstLanes(count), Avx.LoadVector256(source));
            if (count > 8) Avx.MaskStore(destination + 8, FirstLanes(count - 8), Avx.LoadVector256(source + 8));
        }
    }
}
