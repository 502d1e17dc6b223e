using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// AVX-512 microkernel: an 8×32 tile of C in 16 zmm accumulators. Per k step it loads two vectors
/// of B and broadcasts eight values of A, for 16 FMAs; 16 accumulators hide the FMA latency with
/// room to spare among the 32 zmm registers.
/// </summary>
internal unsafe struct GemmKernelAvx512 : IGemmKernel
{
    // Kc·Nr·4 B = 32 KB: a B micro-panel fills L1 while the Mc/Mr A micro-panels stream past it;
    // the packed A block (Mc·Kc·4 B = 144 KB) sits in L2 and the B block (Kc·Nc·4 B = 3 MB) in L3.
    // Measured: Kc from 192 to 384 and Mc from 96 to 240 are all within noise of each other.
    public static int Mr => 8;
    public static int Nr => 32;
    public static int Kc => 256;
    public static int Mc => 144;
    public static int Nc => 3072;
    public static bool Fused => true;

    public static void Tile(int rows, int kc, float* a, float* b, nint bStride, float* c, nint ldc, in GemmStore store)
    {
        switch (rows)
        {
            case 8: Tile<Rows8>(kc, a, b, bStride, c, ldc, store); break;
            case 7: Tile<Rows7>(kc, a, b, bStride, c, ldc, store); break;
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
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            { var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); }
            if (TRows.Value > 1) { var x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); }
            if (TRows.Value > 2) { var x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); }
            if (TRows.Value > 3) { var x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); }
            if (TRows.Value > 4) { var x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); }
            if (TRows.Value > 5) { var x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); }
            if (TRows.Value > 6) { var x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61); }
            if (TRows.Value > 7) { var x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71); }
            a += 8;
            b += bStride;
        }
        StoreRow(c + 0 * ldc, c00, c01, store);
        if (TRows.Value > 1) StoreRow(c + 1 * ldc, c10, c11, store);
        if (TRows.Value > 2) StoreRow(c + 2 * ldc, c20, c21, store);
        if (TRows.Value > 3) StoreRow(c + 3 * ldc, c30, c31, store);
        if (TRows.Value > 4) StoreRow(c + 4 * ldc, c40, c41, store);
        if (TRows.Value > 5) StoreRow(c + 5 * ldc, c50, c51, store);
        if (TRows.Value > 6) StoreRow(c + 6 * ldc, c60, c61, store);
        if (TRows.Value > 7) StoreRow(c + 7 * ldc, c70, c71, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> acc0, Vector512<float> acc1, in GemmStore store)
    {
        var alpha = Vector512.Create(store.Alpha);
        if (store.Overwrite)
        {
            Vector512.Store(acc0 * alpha, c);
            Vector512.Store(acc1 * alpha, c + 16);
        }
        else
        {
            var beta = Vector512.Create(store.Beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(acc0, alpha, beta * Vector512.Load(c)), c);
            Vector512.Store(Vector512.FusedMultiplyAdd(acc1, alpha, beta * Vector512.Load(c + 16)), c + 16);
        }
    }
}
