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
    public static void TransformWeights(ReadOnlySpan<float> weights, int outChannels, int inChannels, Span<float> u)
    {
        int pairs = outChannels * inChannels;
        Span<float> t = stackalloc float[12];
        for (int p = 0; p < pairs; p++)
        {
            ReadOnlySpan<float> w = weights.Slice(p * 9, 9);
            for (int col = 0; col < 3; col++)   // t = G·g (4×3): rows 0 and 3 are g's first and last rows
            {
                float g0 = w[col], g1 = w[3 + col], g2 = w[6 + col];
                t[col] = g0;
                t[3 + col] = 0.5f * (g0 + g1 + g2);
                t[6 + col] = 0.5f * (g0 - g1 + g2);
                t[9 + col] = g2;
            }
            for (int row = 0; row < 4; row++)   // U = t·Gᵀ (4×4)
            {
                float a = t[row * 3], b = t[row * 3 + 1], c = t[row * 3 + 2];
                u[(row * 4 + 0) * pairs + p] = a;
                u[(row * 4 + 1) * pairs + p] = 0.5f * (a + b + c);
                u[(row * 4 + 2) * pairs + p] = 0.5f * (a - b + c);
                u[(row * 4 + 3) * pairs + p] = c;
            }
        }
    }

    /// <summary>
    /// V_ξ = (Bᵀ d B)_ξ for every tile d of one image [C, H, W]: written to <paramref name="v"/> [16, C, <paramref name="ldv"/>]
    /// at columns <paramref name="firstColumn"/> … + tiles − 1 (tile (i, j) at firstColumn + i·tileColumns + j). Up to
    /// seven columns after the image's last tile may be overwritten (never past <paramref name="ldv"/>): transform the
    /// images that share V in the order of their columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TransformInput(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> padded, Span<float> v, int ldv, int firstColumn)
    {
        var (tileRows, tileColumns) = Tiles(g);
        var (height, width) = PaddedSize(g);
        int channels = g.Channels, tiles = tileRows * tileColumns;
        if (padded.Length < height * width || image.Length < g.ImageLength || firstColumn + tiles > ldv || v.Length < (Positions * channels - 1) * ldv + firstColumn + tiles)
            throw new ArgumentException("Winograd input transform: a buffer is too small for the geometry.");
        fixed (float* source = image, p = padded, dst = v)
        {
            for (int c = 0; c < channels; c++)
            {
                Pad(source + (nint)c * g.Height * g.Width, g, p, height, width);
                for (int i = 0; i < tileRows; i++)
                {
                    float* rows = p + (nint)2 * i * width;
                    for (int j = 0; j < tileColumns; j += 8)
                    {
                        int count = Math.Min(8, tileColumns - j);
                        nint column = firstColumn + i * tileColumns + j;
                        // The last group of a tile row may have fewer than eight tiles. Its whole stores overwrite the
                        // next tiles' columns, which are written afterwards, so only a group that would reach past the
                        // row of V goes through masked stores (slow on some processors).
                        if (column + 8 <= ldv) TransformEight<Full>(rows + 2 * j, width, dst + (nint)c * ldv + column, (nint)channels * ldv, default);
                        else TransformEight<ThroughMask>(rows + 2 * j, width, dst + (nint)c * ldv + column, (nint)channels * ldv, FirstLanes(count));
                    }
                }
            }
        }
    }

    // The padded channel: zeros, then the image's rows at (padTop, padLeft).
    private static unsafe void Pad(float* channel, in ConvGeometry g, float* padded, int height, int width)
    {
        new Span<float>(padded, height * width).Clear();
        int rows = Math.Min(g.Height, height - g.PadTop), columns = Math.Min(g.Width, width - g.PadLeft);
        for (int y = 0; y < rows; y++)
            new ReadOnlySpan<float>(channel + (nint)y * g.Width, columns).CopyTo(new Span<float>(padded + (nint)(y + g.PadTop) * width + g.PadLeft, columns));
    }

    // Eight tiles side by side whose top-left input is at `input`: the 16 transformed values of each, position ξ at
    // dst + ξ·stride + t.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TransformEight<TStore>(float* input, int width, float* dst, nint stride, Vector256<float> mask)
        where TStore : struct, IStoreKind
    {
        // Row transform of each of the 4 input rows: (d0 − d2, d1 + d2, d2 − d1, d1 − d3) with d_k = x[2j + k].
        Row(input, out var r00, out var r01, out var r02, out var r03);
        Row(input + width, out var r10, out var r11, out var r12, out var r13);
        Row(input + 2 * width, out var r20, out var r21, out var r22, out var r23);
        Row(input + 3 * width, out var r30, out var r31, out var r32, out var r33);
        // Column transform: the same combination of the rows; position ξ = 4·row + column.
        Store<TStore>(dst, stride, mask, 0, r00 - r20, r01 - r21, r02 - r22, r03 - r23);
        Store<TStore>(dst, stride, mask, 4, r10 + r20, r11 + r21, r12 + r22, r13 + r23);
        Store<TStore>(dst, stride, mask, 8, r20 - r10, r21 - r11, r22 - r12, r23 - r13);
        Store<TStore>(dst, stride, mask, 12, r10 - r30, r11 - r31, r12 - r32, r13 - r33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Row(float* x, out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3)
    {
        var (even, odd) = Deinterleave(x);          // x[2j], x[2j+1]
        var (even2, odd2) = Deinterleave(x + 2);    // x[2j+2], x[2j+3]
        t0 = even - even2;
        t1 = odd + even2;
        t2 = even2 - odd;
        t3 = odd - odd2;
    }

    // (x[0], x[2], …, x[14]) and (x[1], x[3], …, x[15]).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* x)
    {
        var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var low = Avx2.PermuteVar8x32(Avx.LoadVector256(x), order);        // x0 x2 x4 x6 | x1 x3 x5 x7
        var high = Avx2.PermuteVar8x32(Avx.LoadVector256(x + 8), order);   // x8 … x14 | x9 … x15
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
            for (int o = 0; o < outChannels; o++)
            {
                float* z = dst + (nint)o * plane;
                for (int i = 0; i < tileRows; i++)
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
                        float* end = dst + (nint)outChannels * plane, top2 = z + (nint)(2 * i) * ow + x0, bottom2 = top2 + ow;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Copy(float* source, float* destination, int count)
    {
        if (count == 16)
        {
            Avx.Store(destination, Avx.LoadVector256(source));
            Avx.Store(destination + 8, Avx.LoadVector256(source + 8));
        }
        else
        {
            Avx.MaskStore(destination, FirstLanes(count), Avx.LoadVector256(source));
            Avx.MaskStore(destination + 8, FirstLanes(count - 8), Avx.LoadVector256(source + 8));
        }
    }
}
