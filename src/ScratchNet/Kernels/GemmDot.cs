using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// The unpacked path for C = A·Bᵀ with A not transposed: every C element is a dot product of two
/// contiguous rows, one of A and one of B, so nothing needs packing. Used when C is small and k is
/// long (conv weight gradient, dense forward), where packing would cost more than the arithmetic
/// and a narrow C would waste most of a wide tile.
/// </summary>
/// <remarks>
/// A block of C is computed at once: with AVX-512, 4×5 elements, where per 16 values of k, 4
/// vectors of A and 5 of B feed 20 FMAs into 20 zmm accumulators; with AVX2, 3×4 elements in 12 of
/// the 16 ymm registers. Each element is reduced the same way (lanes summed, then the k tail added
/// with scalar FMAs) whichever block and thread it falls in; rows or columns past the edge of a
/// block repeat the last real one and are discarded.
/// </remarks>
internal static unsafe class GemmDot
{
    private const int MaxBlockRows = 4, MaxBlockCols = 5;

    /// <summary>Whether this path should handle the problem (chosen from the whole problem only).</summary>
    public static bool Applies(GemmKernelKind kind, in GemmArgs g) =>
        kind is GemmKernelKind.Avx512 or GemmKernelKind.Avx2 && !g.TransposeA && g.TransposeB
        && g.K >= MinDepth && Math.Min(g.M, g.N) <= MaxNarrowSide;

    /// <summary>Shortest k worth vector dot products.</summary>
    internal const int MinDepth = 64;

    /// <summary>
    /// Widest short side of C for which skipping the packing pays. Measured on the conv weight-gradient
    /// shapes: at 16 rows the dot products win (16×25×784: 88 against 19 GFLOP/s), at 32 and 64 rows the
    /// packed path does (32×288×784: 91 against 79; 64×576×196: 99 against 20).
    /// </summary>
    internal const int MaxNarrowSide = 16;

    /// <summary>Computes rows [row0, row1) × columns [col0, col1) of C with the given kernel kind.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(GemmKernelKind kind, in GemmArgs g, int row0, int row1, int col0, int col1)
    {
        bool wide = kind == GemmKernelKind.Avx512;
        int blockRows = wide ? 4 : 3, blockCols = wide ? 5 : 4;
        var store = GemmStore.ForBlock(g.Alpha, g.Beta, firstBlock: true);
        float* sums = stackalloc float[MaxBlockRows * MaxBlockCols];
        float** a = stackalloc float*[MaxBlockRows];
        float** b = stackalloc float*[MaxBlockCols];
        for (int i = row0; i < row1; i += blockRows)
        {
            int rows = Math.Min(blockRows, row1 - i);
            for (int r = 0; r < blockRows; r++) a[r] = g.A + Math.Min(i + r, row1 - 1) * g.Lda;
            for (int j = col0; j < col1; j += blockCols)
            {
                int cols = Math.Min(blockCols, col1 - j);
                for (int s = 0; s < blockCols; s++) b[s] = g.B + Math.Min(j + s, col1 - 1) * g.Ldb;
                if (wide) Block4x5(g.K, a, b, sums);
                else Block3x4(g.K, a, b, sums);
                for (int r = 0; r < rows; r++)
                    for (int s = 0; s < cols; s++)
                        store.Apply(sums[r * blockCols + s], g.C + (i + r) * g.Ldc + j + s, fused: true);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x5(int k, float** a, float** b, float* sums)
    {
        float* a0 = a[0];
        float* a1 = a[1];
        float* a2 = a[2];
        float* a3 = a[3];
        float* b0 = b[0];
        float* b1 = b[1];
        float* b2 = b[2];
        float* b3 = b[3];
        float* b4 = b[4];
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c24 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default, c34 = default;
        int p = 0;
        for (; p <= k - 16; p += 16)
        {
            var x0 = Vector512.Load(a0 + p);
            var x1 = Vector512.Load(a1 + p);
            var x2 = Vector512.Load(a2 + p);
            var x3 = Vector512.Load(a3 + p);
            var y0 = Vector512.Load(b0 + p);
            c00 = Vector512.FusedMultiplyAdd(x0, y0, c00); c10 = Vector512.FusedMultiplyAdd(x1, y0, c10); c20 = Vector512.FusedMultiplyAdd(x2, y0, c20); c30 = Vector512.FusedMultiplyAdd(x3, y0, c30);
            var y1 = Vector512.Load(b1 + p);
            c01 = Vector512.FusedMultiplyAdd(x0, y1, c01); c11 = Vector512.FusedMultiplyAdd(x1, y1, c11); c21 = Vector512.FusedMultiplyAdd(x2, y1, c21); c31 = Vector512.FusedMultiplyAdd(x3, y1, c31);
            var y2 = Vector512.Load(b2 + p);
            c02 = Vector512.FusedMultiplyAdd(x0, y2, c02); c12 = Vector512.FusedMultiplyAdd(x1, y2, c12); c22 = Vector512.FusedMultiplyAdd(x2, y2, c22); c32 = Vector512.FusedMultiplyAdd(x3, y2, c32);
            var y3 = Vector512.Load(b3 + p);
            c03 = Vector512.FusedMultiplyAdd(x0, y3, c03); c13 = Vector512.FusedMultiplyAdd(x1, y3, c13); c23 = Vector512.FusedMultiplyAdd(x2, y3, c23); c33 = Vector512.FusedMultiplyAdd(x3, y3, c33);
            var y4 = Vector512.Load(b4 + p);
            c04 = Vector512.FusedMultiplyAdd(x0, y4, c04); c14 = Vector512.FusedMultiplyAdd(x1, y4, c14); c24 = Vector512.FusedMultiplyAdd(x2, y4, c24); c34 = Vector512.FusedMultiplyAdd(x3, y4, c34);
        }
        sums[0] = Tail(Vector512.Sum(c00), a0, b0, p, k);
        sums[1] = Tail(Vector512.Sum(c01), a0, b1, p, k);
        sums[2] = Tail(Vector512.Sum(c02), a0, b2, p, k);
        sums[3] = Tail(Vector512.Sum(c03), a0, b3, p, k);
        sums[4] = Tail(Vector512.Sum(c04), a0, b4, p, k);
        sums[5] = Tail(Vector512.Sum(c10), a1, b0, p, k);
        sums[6] = Tail(Vector512.Sum(c11), a1, b1, p, k);
        sums[7] = Tail(Vector512.Sum(c12), a1, b2, p, k);
        sums[8] = Tail(Vector512.Sum(c13), a1, b3, p, k);
        sums[9] = Tail(Vector512.Sum(c14), a1, b4, p, k);
        sums[10] = Tail(Vector512.Sum(c20), a2, b0, p, k);
        sums[11] = Tail(Vector512.Sum(c21), a2, b1, p, k);
        sums[12] = Tail(Vector512.Sum(c22), a2, b2, p, k);
        sums[13] = Tail(Vector512.Sum(c23), a2, b3, p, k);
        sums[14] = Tail(Vector512.Sum(c24), a2, b4, p, k);
        sums[15] = Tail(Vector512.Sum(c30), a3, b0, p, k);
        sums[16] = Tail(Vector512.Sum(c31), a3, b1, p, k);
        sums[17] = Tail(Vector512.Sum(c32), a3, b2, p, k);
        sums[18] = Tail(Vector512.Sum(c33), a3, b3, p, k);
        sums[19] = Tail(Vector512.Sum(c34), a3, b4, p, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block3x4(int k, float** a, float** b, float* sums)
    {
        float* a0 = a[0];
        float* a1 = a[1];
        float* a2 = a[2];
        float* b0 = b[0];
        float* b1 = b[1];
        float* b2 = b[2];
        float* b3 = b[3];
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        int p = 0;
        for (; p <= k - 8; p += 8)
        {
            var x0 = Vector256.Load(a0 + p);
            var x1 = Vector256.Load(a1 + p);
            var x2 = Vector256.Load(a2 + p);
            var y0 = Vector256.Load(b0 + p);
            c00 = Vector256.FusedMultiplyAdd(x0, y0, c00); c10 = Vector256.FusedMultiplyAdd(x1, y0, c10); c20 = Vector256.FusedMultiplyAdd(x2, y0, c20);
            var y1 = Vector256.Load(b1 + p);
            c01 = Vector256.FusedMultiplyAdd(x0, y1, c01); c11 = Vector256.FusedMultiplyAdd(x1, y1, c11); c21 = Vector256.FusedMultiplyAdd(x2, y1, c21);
            var y2 = Vector256.Load(b2 + p);
            c02 = Vector256.FusedMultiplyAdd(x0, y2, c02); c12 = Vector256.FusedMultiplyAdd(x1, y2, c12); c22 = Vector256.FusedMultiplyAdd(x2, y2, c22);
            var y3 = Vector256.Load(b3 + p);
            c03 = Vector256.FusedMultiplyAdd(x0, y3, c03); c13 = Vector256.FusedMultiplyAdd(x1, y3, c13); c23 = Vector256.FusedMultiplyAdd(x2, y3, c23);
        }
        sums[0] = Tail(Vector256.Sum(c00), a0, b0, p, k);
        sums[1] = Tail(Vector256.Sum(c01), a0, b1, p, k);
        sums[2] = Tail(Vector256.Sum(c02), a0, b2, p, k);
        sums[3] = Tail(Vector256.Sum(c03), a0, b3, p, k);
        sums[4] = Tail(Vector256.Sum(c10), a1, b0, p, k);
        sums[5] = Tail(Vector256.Sum(c11), a1, b1, p, k);
        sums[6] = Tail(Vector256.Sum(c12), a1, b2, p, k);
        sums[7] = Tail(Vector256.Sum(c13), a1, b3, p, k);
        sums[8] = Tail(Vector256.Sum(c20), a2, b0, p, k);
        sums[9] = Tail(Vector256.Sum(c21), a2, b1, p, k);
        sums[10] = Tail(Vector256.Sum(c22), a2, b2, p, k);
        sums[11] = Tail(Vector256.Sum(c23), a2, b3, p, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(float sum, float* a, float* b, int p, int k)
    {
        for (; p < k; p++) sum = MathF.FusedMultiplyAdd(a[p], b[p], sum);
        return sum;
    }
}
