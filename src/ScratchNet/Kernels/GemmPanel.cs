namespace ScratchNet.Kernels;

/// <summary>
/// C[8, n] += Aᵀ·B for one panel of A that is packed already — k steps of eight values, the layout
/// <see cref="GemmPacking.PackA"/> gives a panel of eight rows — and B [k, n] row-major: for callers that write their
/// operand in that layout as they make it (the channels-last Winograd weight gradient), so nothing is copied.
/// </summary>
/// <remarks>
/// With the AVX-512 kernel, whose tiles are eight rows tall, and whole tiles across, the kernel reads the panel and B
/// where they are; otherwise the general GEMM runs with A read as a transposed k×8 matrix. Both sum every element the
/// same way (one k block, as long as k stays within the kernel's), so the bits do not depend on which ran.
/// </remarks>
internal static unsafe class GemmPanel
{
    /// <summary>Rows of C one panel feeds.</summary>
    public const int Rows = 8;

    /// <summary>C[8, n] += panelᵀ·B, with panel [k, 8] and B [k, n] (rows <paramref name="ldb"/> apart), C's rows <paramref name="ldc"/> apart.</summary>
    public static void Accumulate(int k, float* panel, float* b, int n, int ldb, float* c, int ldc)
    {
        if (k == 0 || n == 0) return;
        if (Gemm.BestKernel == GemmKernelKind.Avx512 && n % GemmKernelAvx512.Nr == 0 && k <= GemmKernelAvx512.Kc)
        {
            var add = new GemmStore(1, 1, overwrite: false);
            for (int j = 0; j < n; j += GemmKernelAvx512.Nr)
                GemmKernelAvx512.Tile(Rows, k, panel, b + j, ldb, c + j, ldc, add);
            return;
        }
        Gemm.Multiply(true, false, Rows, n, k, 1f, new ReadOnlySpan<float>(panel, k * Rows), Rows,
            new ReadOnlySpan<float>(b, (k - 1) * ldb + n), ldb, 1f, new Span<float>(c, (Rows - 1) * ldc + n), ldc);
    }
}
