using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// AVX2 + FMA microkernel: a 6×16 tile of C in 12 ymm accumulators, leaving 2 registers for B and
/// one for the broadcast A value out of the 16 ymm registers.
/// </summary>
internal unsafe struct GemmKernelAvx2 : IGemmKernel
{
    public static int Mr => 6;
    public static int Nr => 16;
    public static int Kc => 256;
    public static int Mc => 144;
    public static int Nc => 3072;
    public static bool Fused => true;

    public static void Tile(int rows, int kc, float* a, float* b, nint bStride, float* c, nint ldc, in GemmStore store)
    {
        switch (rows)
        {
            case 6: Tile<Rows6>(kc, a, b, bStride, c, ldc, store); break;
            case 5: Tile<Rows5>(kc, a, b, bStride, c, ldc, store); break;
            case 4: Tile<Rows4>(kc, a, b, bStride, c, ldc, store); break;
            case 3: Tile<Rows3>(kc, a, b, bStride, c, ldc, store); break;
            case 2: Tile<Rows2>(kc, a, b, bStride, c, ldc, store); break;
            default: Tile<Rows1>(kc, a, b, bStride, c, ldc, store); break;
        }
    }

    // The row guards are JIT-time constants for each TRows, so each instantiation keeps only its rows.
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRows>(int kc, float* a, float* b, nint bStride, float* c, nint ldc, in GemmStore store)
        where TRows : struct, IRowCount
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            { var x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01); }
            if (TRows.Value > 1) { var x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11); }
            if (TRows.Value > 2) { var x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21); }
            if (TRows.Value > 3) { var x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31); }
            if (TRows.Value > 4) { var x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41); }
            if (TRows.Value > 5) { var x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51); }
            a += 6;
            b += bStride;
        }
        StoreRow(c + 0 * ldc, c00, c01, store);
        if (TRows.Value > 1) StoreRow(c + 1 * ldc, c10, c11, store);
        if (TRows.Value > 2) StoreRow(c + 2 * ldc, c20, c21, store);
        if (TRows.Value > 3) StoreRow(c + 3 * ldc, c30, c31, store);
        if (TRows.Value > 4) StoreRow(c + 4 * ldc, c40, c41, store);
        if (TRows.Value > 5) StoreRow(c + 5 * ldc, c50, c51, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> acc0, Vector256<float> acc1, in GemmStore store)
    {
        var alpha = Vector256.Create(store.Alpha);
        if (store.Overwrite)
        {
            Vector256.Store(acc0 * alpha, c);
            Vector256.Store(acc1 * alpha, c + 8);
        }
        else
        {
            var beta = Vector256.Create(store.Beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(acc0, alpha, beta * Vector256.Load(c)), c);
            Vector256.Store(Vector256.FusedMultiplyAdd(acc1, alpha, beta * Vector256.Load(c + 8)), c + 8);
        }
    }
}
