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

    /// <summary>Transposes an 8×8 block: eight rows loaded as columns, eight row stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        RegisterTranspose.LoadColumns(src, srcStride, out var r0, out var r1, out var r2, out var r3, out var r4, out var r5, out var r6, out var r7);
        Avx.Store(dst, r0);
        Avx.Store(dst + dstStride, r1);
        Avx.Store(dst + 2 * dstStride, r2);
        Avx.Store(dst + 3 * dstStride, r3);
        Avx.Store(dst + 4 * dstStride, r4);
        Avx.Store(dst + 5 * dstStride, r5);
        Avx.Store(dst + 6 * dstStride, r6);
        Avx.Store(dst + 7 * dstStride, r7);
    }
}
