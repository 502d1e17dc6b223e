using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous micro-panel layouts the microkernels read
/// (see <see cref="IGemmKernel"/>). Transposes are resolved here, so one kernel serves all four
/// transpose combinations.
/// </summary>
/// <remarks>
/// Two of the four packs are copies of contiguous runs (A transposed, B not). The other two turn
/// rows into interleaved columns; they go through 8×8 register transposes where AVX allows, since
/// element-by-element strided stores cost several cycles per value.
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[row0 .. row0+rows, p0 .. p0+kc) into panels of <paramref name="mr"/> rows: panel q
    /// starts at dst + q·mr·kc and holds, for each p, mr values (rows past the edge are left unset;
    /// the kernels never read them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in GemmArgs g, int row0, int rows, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < rows; ir += mr)
        {
            int r = Math.Min(mr, rows - ir);
            float* panel = dst + (nint)ir * kc;
            if (g.TransposeA)
            {
                // A is stored k×m: the mr values for one p are adjacent.
                float* src = g.A + p0 * g.Lda + row0 + ir;
                if (r == 8 && mr == 8)
                {
                    for (int p = 0; p < kc; p++, src += g.Lda)
                        Vector256.Store(Vector256.Load(src), panel + p * 8);
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += g.Lda)
                        for (int i = 0; i < r; i++)
                            panel[p * mr + i] = src[i];
                }
            }
            else
            {
                // A is stored m×k: mr rows become mr-wide interleaved columns.
                Interleave(g.A + (row0 + ir) * g.Lda + p0, g.Lda, r, kc, panel, mr);
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, col0 .. col0+cols) into panels of <paramref name="nr"/> columns: panel
    /// q starts at dst + q·nr·kc and holds, for each p, nr values; columns past the edge are zero so
    /// the kernel can always compute full-width tiles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmArgs g, int p0, int kc, int col0, int cols, int nr, float* dst)
    {
        for (int jr = 0; jr < cols; jr += nr)
        {
            int w = Math.Min(nr, cols - jr);
            float* panel = dst + (nint)jr * kc;
            if (!g.TransposeB)
            {
                // B is stored k×n: each p contributes a contiguous run of w values.
                float* src = g.B + p0 * g.Ldb + col0 + jr;
                if (w == 32 && nr == 32 && Vector512.IsHardwareAccelerated)
                {
                    for (int p = 0; p < kc; p++, src += g.Ldb)
                    {
                        Vector512.Store(Vector512.Load(src), panel + p * 32);
                        Vector512.Store(Vector512.Load(src + 16), panel + p * 32 + 16);
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += g.Ldb)
                    {
                        float* d = panel + p * nr;
                        Buffer.MemoryCopy(src, d, (long)w * sizeof(float), (long)w * sizeof(float));
                        for (int j = w; j < nr; j++) d[j] = 0;
                    }
                }
            }
            else
            {
                // B is stored n×k: w stored rows become w interleaved columns; zero the rest.
                Interleave(g.B + (col0 + jr) * g.Ldb + p0, g.Ldb, w, kc, panel, nr);
                if (w < nr)
                    for (int p = 0; p < kc; p++)
                        new Span<float>(panel + p * nr + w, nr - w).Clear();
            }
        }
    }

    /// <summary>
    /// dst[p·dstStride + i] = src[i·srcStride + p] for i &lt; count, p &lt; length: rows of the source
    /// become interleaved columns of the destination.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave(float* src, nint srcStride, int count, int length, float* dst, int dstStride)
    {
        int i = 0;
        if (Avx.IsSupported)
        {
            for (; i <= count - 8; i += 8)
            {
                float* s = src + i * srcStride;
                int p = 0;
                for (; p <= length - 8; p += 8)
                    Transpose8x8(s + p, srcStride, dst + p * dstStride + i, dstStride);
                for (; p < length; p++)
                    for (int t = 0; t < 8; t++)
                        dst[p * dstStride + i + t] = s[t * srcStride + p];
            }
        }
        for (; i < count; i++)
        {
            float* s = src + i * srcStride;
            float* d = dst + i;
            for (int p = 0; p < length; p++)
                d[p * dstStride] = s[p];
        }
    }

    /// <summary>Transposes an 8×8 block: eight row loads, 24 in-register shuffles, eight row stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);
        // Interleave pairs of rows: t0 = a0 b0 a1 b1 | a4 b4 a5 b5, t1 = a2 b2 a3 b3 | a6 b6 a7 b7, ...
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        // Groups of four: s0 = a0 b0 c0 d0 | a4 b4 c4 d4, s1 = a1 b1 c1 d1 | a5 b5 c5 d5, ...
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Join 128-bit halves: columns 0..3 from the low halves, 4..7 from the high halves.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
