using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Kernels;

/// <summary>
/// Single-precision general matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C.
/// Same contract as <see cref="GemmReference.Multiply"/>; this is the fast path.
/// </summary>
/// <remarks>
/// <para>
/// Paths: A·Bᵀ (A not transposed) with a short side of C ≤ 64 and k ≥ 64 runs as blocked dot
/// products of contiguous rows (<see cref="GemmDot"/>); everything else runs the cache-blocked
/// driver (<see cref="GemmBlocked"/>) over packed panels (<see cref="GemmPacking"/>) with the best
/// microkernel the machine has: AVX-512 8×32, AVX2 6×16, or a portable scalar 4×4.
/// </para>
/// <para>
/// The result does not depend on the number of threads: the path is chosen from the whole problem,
/// and every element of C is summed over k in the same order whichever thread computes it, so runs
/// are bit-identical at any thread count. When beta is 0, C is only written, never read.
/// </para>
/// </remarks>
public static unsafe class Gemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C, single-threaded. See <see cref="GemmReference.Multiply"/>.</summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        Multiply(null, GemmKernelKind.Auto, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C using up to <see cref="ComputeContext.Threads"/> threads, each
    /// computing a disjoint block of C. The result is bit-identical to the single-threaded overload.
    /// </summary>
    public static void Multiply(
        ComputeContext context, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(context);
        Multiply(context, GemmKernelKind.Auto, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>The full entry point: tests use it to force a particular microkernel.</summary>
    internal static void Multiply(
        ComputeContext? context, GemmKernelKind kind, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        if (kind == GemmKernelKind.Auto) kind = BestKernel;

        fixed (float* pa = a, pb = b, pc = c)
        {
            var g = new GemmArgs(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            if (context is null || context.Threads == 1 || 2.0 * m * n * k < ParallelMinFlops)
                Run(kind, g, 0, m, 0, n);
            else
                GemmParallel.Run(context, kind, g);
        }
    }

    /// <summary>
    /// Problems below this many floating-point operations (about 10 µs of work) are not worth waking
    /// threads for: measured, the 0.6 MFLOP conv shapes gained nothing reliable from a second thread.
    /// </summary>
    private const double ParallelMinFlops = 1 << 20;

    /// <summary>The fastest microkernel this machine runs natively.</summary>
    internal static GemmKernelKind BestKernel =>
        Vector512.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Avx512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Avx2
        : GemmKernelKind.Scalar;

    /// <summary>The tile size of a kernel, which is the unit of work split among threads.</summary>
    internal static (int Mr, int Nr) TileOf(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => (GemmKernelAvx512.Mr, GemmKernelAvx512.Nr),
        GemmKernelKind.Avx2 => (GemmKernelAvx2.Mr, GemmKernelAvx2.Nr),
        _ => (GemmKernelScalar.Mr, GemmKernelScalar.Nr),
    };

    /// <summary>Computes rows [row0, row1) × columns [col0, col1) of C with the given kernel.</summary>
    internal static void Run(GemmKernelKind kind, in GemmArgs g, int row0, int row1, int col0, int col1)
    {
        if (GemmDot.Applies(kind, g))
        {
            GemmDot.Run(kind, g, row0, row1, col0, col1);
            return;
        }
        switch (kind)
        {
            case GemmKernelKind.Avx512: GemmBlocked.Run<GemmKernelAvx512>(g, row0, row1, col0, col1); break;
            case GemmKernelKind.Avx2: GemmBlocked.Run<GemmKernelAvx2>(g, row0, row1, col0, col1); break;
            default: GemmBlocked.Run<GemmKernelScalar>(g, row0, row1, col0, col1); break;
        }
    }

    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    internal static void CheckArguments(
        bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"GEMM sizes must be non-negative, got m={m}, n={n}, k={k}.");
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckMatrix("A", aRows, aCols, aLength, lda);
        CheckMatrix("B", bRows, bCols, bLength, ldb);
        CheckMatrix("C", m, n, cLength, ldc);
    }

    private static void CheckMatrix(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"GEMM: the row stride of {name} ({ld}) is smaller than its {cols} columns.");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"GEMM: {name} is {rows}×{cols} with stride {ld} and needs {needed} values, but has {length}.");
    }
}

/// <summary>Which microkernel <see cref="Gemm"/> uses.</summary>
internal enum GemmKernelKind
{
    /// <summary>The best one for this machine.</summary>
    Auto,
    /// <summary>8×32 tiles with Vector512 FMA.</summary>
    Avx512,
    /// <summary>6×16 tiles with Vector256 FMA.</summary>
    Avx2,
    /// <summary>4×4 tiles, plain scalar code.</summary>
    Scalar,
}
