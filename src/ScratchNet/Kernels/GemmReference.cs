namespace ScratchNet.Kernels;

/// <summary>
/// The plain triple loop that defines what <see cref="Gemm"/> computes. Slow on purpose: it is
/// the reference every fast kernel is tested against.
/// </summary>
public static class GemmReference
{
    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C for row-major matrices, where op(X) is X or Xᵀ.
    /// op(A) is m×k, op(B) is k×n, C is m×n; lda, ldb, ldc are the row strides of A, B, C as stored.
    /// </summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)aip * bpj;
                }
                float previous = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum) + previous;
            }
        }
    }
}
