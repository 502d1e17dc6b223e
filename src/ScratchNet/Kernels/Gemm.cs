using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Kernels;

/// <summary>
/// Single-precision general matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C.
/// Same contract as <see cref="GemmReference.Multiply"/>; this is the fast path.
/// </summary>
/// <remarks>
/// The result does not depend on the number of threads: every element of C is summed over k in
/// the same order whichever thread computes it, so runs are bit-identical at any thread count.
/// </remarks>
public static class Gemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C, single-threaded. See <see cref="GemmReference.Multiply"/>.</summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
        if (m == 0 || n == 0 || k == 0) return;

        if (!transposeB)
        {
            // C[i,:] += (alpha·op(A)[i,p]) · B[p,:] : rows of B stream through vector FMAs.
            for (int i = 0; i < m; i++)
            {
                Span<float> row = c.Slice(i * ldc, n);
                for (int p = 0; p < k; p++)
                {
                    float s = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p]);
                    if (s == 0) continue;
                    AddScaled(row, b.Slice(p * ldb, n), s);
                }
            }
        }
        else
        {
            // C[i,j] += alpha · dot(op(A)[i,:], B[j,:]) with A's row gathered when A is transposed.
            float[]? gathered = transposeA ? new float[k] : null;
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> ai;
                if (gathered is null) ai = a.Slice(i * lda, k);
                else
                {
                    for (int p = 0; p < k; p++) gathered[p] = a[p * lda + i];
                    ai = gathered;
                }
                for (int j = 0; j < n; j++)
                    c[i * ldc + j] += alpha * System.Numerics.Tensors.TensorPrimitives.Dot(ai, b.Slice(j * ldb, k));
            }
        }
    }

    /// <summary>C = alpha·op(A)·op(B) + beta·C using the threads of <paramref name="context"/>.</summary>
    public static void Multiply(
        ComputeContext context, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(Span<float> destination, ReadOnlySpan<float> source, float scale)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; j <= destination.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var d = Vector256.Create(destination.Slice(j));
                var x = Vector256.Create(source.Slice(j));
                Vector256.FusedMultiplyAdd(x, s, d).CopyTo(destination.Slice(j));
            }
        }
        for (; j < destination.Length; j++)
            destination[j] = MathF.FusedMultiplyAdd(source[j], scale, destination[j]);
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
